import Foundation
import Testing
@testable import RVCCore

@Suite struct TensorCreationTests {
    @Test func roundTripsEveryHostDType() throws {
        let f: [Float] = [1.5, -2, 3.25]
        #expect(try Tensor(f).toArray(Float.self) == f)
        let d: [Double] = [1e-300, -2.5, .pi]
        #expect(try Tensor(d).toArray(Double.self) == d)
        let l: [Int64] = [Int64.max, -1, 0]
        #expect(try Tensor(l).toArray(Int64.self) == l)
        let i: [Int32] = [Int32.min, 7]
        #expect(try Tensor(i).toArray(Int32.self) == i)
        let s: [Int16] = [-32768, 32767]
        #expect(try Tensor(s).toArray(Int16.self) == s)
        let c: [Int8] = [-128, 127]
        #expect(try Tensor(c).toArray(Int8.self) == c)
        let b: [UInt8] = [0, 255]
        #expect(try Tensor(b).toArray(UInt8.self) == b)
        let flags: [Bool] = [true, false, true]
        #expect(try Tensor(flags).toArray(Bool.self) == flags)
        let h: [Float16] = [0.5, -65504]
        #expect(try Tensor(h).toArray(Float16.self) == h)
    }

    @Test func reportsShapeStridesDTypeAndDevice() throws {
        let t = try Tensor([Float](repeating: 0, count: 24), shape: [2, 3, 4])
        #expect(t.shape == [2, 3, 4])
        #expect(t.strides == [12, 4, 1])
        #expect(t.rank == 3)
        #expect(t.count == 24)
        #expect(t.dtype == .float32)
        #expect(t.device == .cpu)
        #expect(t.isContiguous)
        #expect(t.size(-1) == 4)
    }

    @Test func convertsBetweenFloatTypes() throws {
        let t = try Tensor([Float](arrayLiteral: 1, 2.5, -3))
        #expect(try t.to(dtype: .float16).dtype == .float16)
        #expect(try t.to(dtype: .bfloat16).toArray(Float.self) == [1, 2.5, -3])
        #expect(try t.to(dtype: .float64).toArray(Double.self) == [1, 2.5, -3])
        #expect(try t.to(dtype: .int64).toArray(Int64.self) == [1, 2, -3])
        // bfloat16 keeps 8 significant bits: 1.00390625 rounds to 1.
        #expect(try Tensor([Float(1.00390625)]).to(dtype: .bfloat16).toArray(Float.self) == [1])
    }

    @Test func rawBytesAndItems() throws {
        let values: [Float] = [3, 4]
        let t = try values.withUnsafeBytes { try Tensor(bytes: $0, shape: [2], dtype: .float32) }
        #expect(try t.toArray(Float.self) == values)
        #expect(try Tensor(scalar: Float(2.5)).item() == 2.5)
        #expect(try Tensor(scalar: Int64(-9)).itemInt() == -9)
        let sum = try t.withUnsafeBytes { raw in raw.bindMemory(to: Float.self).reduce(0, +) }
        #expect(sum == 7)
    }

    @Test func zeroCopyTensorReadsMemoryAndReleasesItsOwner() throws {
        final class Owner: @unchecked Sendable {
            let buffer: UnsafeMutablePointer<Float>
            let released: UnsafeMutablePointer<Bool>
            init(released: UnsafeMutablePointer<Bool>) {
                buffer = .allocate(capacity: 6)
                for i in 0..<6 { buffer[i] = Float(i) }
                self.released = released
            }
            deinit {
                buffer.deallocate()
                released.pointee = true
            }
        }
        let released = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
        defer { released.deallocate() }
        released.pointee = false
        do {
            let owner = Owner(released: released)
            let t = try Tensor(borrowing: owner.buffer, shape: [2, 3], dtype: .float32, owner: owner)
            #expect(try t.toArray(Float.self) == [0, 1, 2, 3, 4, 5])
            // A strided view: column 1 of the 2x3 matrix.
            let column = try Tensor(borrowing: owner.buffer + 1, shape: [2], strides: [3], dtype: .float32, owner: owner)
            #expect(try column.toArray(Float.self) == [1, 4])
            #expect(released.pointee == false)
        }
        #expect(released.pointee == true)
    }

    @Test func factories() throws {
        #expect(try Tensor.zeros([2, 2]).toArray(Float.self) == [0, 0, 0, 0])
        #expect(try Tensor.ones([3], dtype: .int64).toArray(Int64.self) == [1, 1, 1])
        #expect(try Tensor.full([2], value: 7.5, dtype: .float64).toArray(Double.self) == [7.5, 7.5])
        #expect(try Tensor.arange(0, 5, step: 2).toArray(Float.self) == [0, 2, 4])
        let window = try Tensor.hannWindow(4).toArray(Float.self)
        // Periodic Hann: 0.5 − 0.5·cos(2πi/4).
        expectClose(window, [0, 0.5, 1, 0.5], tolerance: 1e-7)
    }

    @Test func seededGeneratorsAreReproducible() throws {
        let a = try Tensor.randn([1000], generator: Generator(seed: 42)).toArray(Float.self)
        let b = try Tensor.randn([1000], generator: Generator(seed: 42)).toArray(Float.self)
        let c = try Tensor.randn([1000], generator: Generator(seed: 43)).toArray(Float.self)
        #expect(a == b)
        #expect(a != c)
        let mean = a.reduce(0, +) / Float(a.count)
        let variance = a.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(a.count)
        #expect(Swift.abs(mean) < 0.1 && Swift.abs(variance - 1) < 0.15)
        let u = try Tensor.rand([1000], generator: Generator(seed: 1)).toArray(Float.self)
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        Torch.manualSeed(5)
        let d1 = try Tensor.rand([4]).toArray(Float.self)
        Torch.manualSeed(5)
        let d2 = try Tensor.rand([4]).toArray(Float.self)
        #expect(d1 == d2)
    }

    @Test func rejectsValuesThatDoNotFillTheShape() {
        expectTorchError("Tensor.init", kind: .invalidArgument) { try Tensor([Float](arrayLiteral: 1, 2, 3), shape: [2, 2]) }
        expectTorchError("Tensor.init(bytes:)", kind: .invalidArgument) {
            try [UInt8](repeating: 0, count: 3).withUnsafeBytes { try Tensor(bytes: $0, shape: [1], dtype: .float32) }
        }
        expectTorchError("zeros") { try Tensor.zeros([-1]) }
        expectTorchError("item") { try Tensor([Float](arrayLiteral: 1, 2)).item() }
    }
}
