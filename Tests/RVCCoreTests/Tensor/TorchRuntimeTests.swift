import Testing
@testable import RVCCore

@Suite struct TorchRuntimeTests {
    @Test func reportsThePinnedLibTorchVersion() {
        #expect(Torch.version == "2.11.0")
    }

    @Test func threadCountCanBeChanged() {
        let before = Torch.threadCount
        Torch.threadCount = 1
        #expect(Torch.threadCount == 1)
        Torch.threadCount = before
        #expect(Torch.threadCount == before)
    }

    @Test func inferenceModeRunsTheBodyAndReturnsItsValue() throws {
        let value = try Torch.inferenceMode { try (Tensor([Float](arrayLiteral: 2)) * 3.0).item() }
        #expect(value == 6)
    }

    @Test func cuDNNBenchmarkSwitchIsReadBack() {
        let before = Torch.cuDNNBenchmark
        Torch.cuDNNBenchmark = true
        #expect(Torch.cuDNNBenchmark)
        Torch.cuDNNBenchmark = false
        #expect(!Torch.cuDNNBenchmark)
        Torch.cuDNNBenchmark = before
        #expect(Device.automatic == (Torch.isCUDAAvailable ? .cuda(0) : .cpu))
    }

    @Test func cudaAbsenceIsAnErrorNotACrash() throws {
        // CI machines have no GPU; on a GPU machine these calls must succeed instead.
        Torch.setCuDNNBenchmark(false)
        if Torch.isCUDAAvailable {
            #expect(Torch.cudaDeviceCount > 0)
            #expect(try Torch.cudaMemory().total > 0)
            #expect(!(try Torch.cudaDeviceName()).isEmpty)
            try Torch.cudaSynchronize()
            #expect(try Tensor([Float](arrayLiteral: 1)).to(device: .cuda(0)).device == .cuda(0))
        } else {
            #expect(Torch.cudaDeviceCount == 0)
            expectTorchError("cuda_mem_info", kind: .unavailable) { try Torch.cudaMemory() }
            expectTorchError("cuda_device_name", kind: .unavailable) { try Torch.cudaDeviceName() }
            expectTorchError("cuda_synchronize", kind: .unavailable) { try Torch.cudaSynchronize() }
            expectTorchError("to(", kind: .unavailable) { try Tensor([Float](arrayLiteral: 1)).to(device: .cuda(0)) }
            expectTorchError("zeros", kind: .unavailable) { try Tensor.zeros([1], device: .cuda(0)) }
            expectTorchError("Generator", kind: .unavailable) { try Generator(seed: 1, device: .cuda(0)) }
        }
    }

    @Test func parsesDeviceNames() {
        #expect(Device("cpu") == .cpu)
        #expect(Device("cuda") == .cuda(0))
        #expect(Device("cuda:3") == .cuda(3))
        #expect(Device("cuda:-1") == nil)
        #expect(Device("tpu") == nil)
        #expect(Device.cuda(1).description == "cuda:1")
    }
}
