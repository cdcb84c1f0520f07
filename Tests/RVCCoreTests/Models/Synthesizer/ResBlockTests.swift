import Testing
@testable import RVCCore

@Suite("ResBlock")
struct ResBlockTests {
    /// A block whose convolutions take their fused forms (a 5000-sample sequence: spectral for k 7
    /// and 11, matrix for k 3 unless the CPU has AVX-512) equals the reference's step x + conv2(lrelu(conv1(lrelu(x))))
    /// computed with separate LibTorch operations, and leaves its input untouched. Wider than
    /// ``Conv1dLayer/keptSpectrumChannels``, the spectral form prepares its spectra at each call.
    @Test("the fused block equals its separate operations",
          arguments: [(3, true, 8), (7, true, 8), (11, true, 8), (3, false, 8), (11, false, 8), (11, false, 136)])
    func fusedBlockEqualsSeparateOperations(kernel: Int, kind1: Bool, channels: Int) throws {
        let length = 5000
        let dilations = [1, 3, 5]
        let generator = try Generator(seed: UInt64(kernel * 10 + (kind1 ? 1 : 0)))
        var entries: [(String, Tensor)] = []
        let names = kind1 ? ["convs1", "convs2"] : ["convs"]
        for name in names {
            for m in 0..<(kind1 ? 3 : 2) {
                entries.append(("b.\(name).\(m).weight_v", try Tensor.randn([channels, channels, kernel], generator: generator)))
                entries.append(("b.\(name).\(m).weight_g", try Tensor.rand([channels, 1, 1], generator: generator)))
                entries.append(("b.\(name).\(m).bias", try Tensor.randn([channels], generator: generator) * 0.1))
            }
        }
        let reader = SynthesizerWeightReader(weights: StateDict(entries, source: "test"), dtype: .float32, device: .cpu)
        let block = try ResBlock(reader, "b", channels: channels, kernel: kernel, dilations: dilations, kind1: kind1)
        let input = try Tensor.randn([1, channels, length], generator: generator)
        // k 3 stays on oneDNN's direct kernels where they use AVX-512: the unfused path is tested.
        let fused = kernel > 3 || !Conv1dLayer.wideVectors
        #expect(block.steps.allSatisfy { $0.dilated.fuses(input) == fused && ($0.second?.fuses(input) ?? fused) == fused })
        if kernel >= 7, case .spectral(let kept, _) = block.steps[0].dilated.fusedForm {
            #expect((kept == nil) == (channels > Conv1dLayer.keptSpectrumChannels))
        } else if kernel >= 7 {
            Issue.record("k \(kernel) is not in the spectral form")
        }
        let before = try input.toArray(Float.self)
        let actual = try block(input).toArray(Float.self)
        #expect(try input.toArray(Float.self) == before, "the input is not written")

        var x = input
        for step in block.steps {
            var t = try x.leakyRelu(ResBlock.slope)
                .conv1d(weight: step.dilated.weight, bias: step.dilated.bias, padding: step.dilated.padding, dilation: step.dilated.dilation)
            if let second = step.second {
                t = try t.leakyRelu(ResBlock.slope).conv1d(weight: second.weight, bias: second.bias, padding: second.padding)
            }
            x = try t + x
        }
        let expected = try x.toArray(Float.self)
        let peak = expected.map { abs($0) }.max() ?? 0
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(actual.count == expected.count && worst <= 2e-6 * peak, "max difference \(worst) of peak \(peak)")
    }
}
