import Foundation
import Testing
@testable import RVCCore

@Suite struct TensorMathTests {
    let xs: [Float] = [-2, -0.5, 0.25, 1, 3]
    var x: Tensor { get throws { try Tensor(xs) } }

    @Test func unaryOpsMatchScalarMath() throws {
        let pos: [Float] = [0.25, 1, 3]
        let p = try Tensor(pos)
        expectClose(try x.neg().toArray(Float.self), xs.map { -$0 })
        expectClose(try x.exp().toArray(Float.self), xs.map { Foundation.exp($0) }, tolerance: 1e-5)
        expectClose(try p.log().toArray(Float.self), pos.map { Foundation.log($0) })
        expectClose(try p.log10().toArray(Float.self), pos.map { Foundation.log10($0) })
        expectClose(try p.log1p().toArray(Float.self), pos.map { Foundation.log1p($0) })
        expectClose(try x.sin().toArray(Float.self), xs.map { Foundation.sin($0) })
        expectClose(try x.cos().toArray(Float.self), xs.map { Foundation.cos($0) })
        expectClose(try x.tanh().toArray(Float.self), xs.map { Foundation.tanh($0) })
        expectClose(try x.sigmoid().toArray(Float.self), xs.map { 1 / (1 + Foundation.exp(-$0)) })
        expectClose(try x.relu().toArray(Float.self), xs.map { Swift.max($0, 0) })
        expectClose(try p.sqrt().toArray(Float.self), pos.map { $0.squareRoot() })
        expectClose(try p.rsqrt().toArray(Float.self), pos.map { 1 / $0.squareRoot() })
        expectClose(try x.abs().toArray(Float.self), xs.map { Swift.abs($0) })
        expectClose(try x.floor().toArray(Float.self), xs.map { $0.rounded(.down) })
        expectClose(try x.ceil().toArray(Float.self), xs.map { $0.rounded(.up) })
        expectClose(try Tensor([Float](arrayLiteral: 0.5, 1.5, 2.5, -0.5)).round().toArray(Float.self), [0, 2, 2, -0])
        expectClose(try p.reciprocal().toArray(Float.self), pos.map { 1 / $0 })
        expectClose(try x.square().toArray(Float.self), xs.map { $0 * $0 })
        expectClose(try x.sign().toArray(Float.self), xs.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) })
        // Exact GELU: x·Φ(x) = x/2·(1 + erf(x/√2)).
        let exactGelu: [Float] = xs.map { (v: Float) -> Float in
            let phi: Float = 1 + Foundation.erf(v / Float(2).squareRoot())
            return v / 2 * phi
        }
        expectClose(try x.gelu().toArray(Float.self), exactGelu)
        let tanhGelu: [Float] = xs.map { (v: Float) -> Float in
            let inner: Float = Float(0.7978845608) * (v + Float(0.044715) * v * v * v)
            return Float(0.5) * v * (1 + Foundation.tanh(inner))
        }
        expectClose(try x.gelu(tanhApproximation: true).toArray(Float.self), tanhGelu)
        expectClose(try x.leakyRelu(0.1).toArray(Float.self), xs.map { $0 > 0 ? $0 : 0.1 * $0 })
    }

    @Test func logicalAndPredicateOps() throws {
        let nanInf = try Tensor([Float](arrayLiteral: .nan, .infinity, 1))
        #expect(try nanInf.isNaN().toArray(Bool.self) == [true, false, false])
        #expect(try nanInf.isFinite().toArray(Bool.self) == [false, false, true])
        let b = try Tensor([Bool](arrayLiteral: true, false))
        #expect(try b.logicalNot().toArray(Bool.self) == [false, true])
        let c = try Tensor([Bool](arrayLiteral: true, true))
        #expect(try b.logicalAnd(c).toArray(Bool.self) == [true, false])
        #expect(try b.logicalOr(c).toArray(Bool.self) == [true, true])
    }

    @Test func binaryOpsBroadcast() throws {
        let a = try Tensor([Float](arrayLiteral: 1, 2, 3, 4), shape: [2, 2])
        let r = try Tensor([Float](arrayLiteral: 10, 20), shape: [1, 2])
        #expect(try (a + r).toArray(Float.self) == [11, 22, 13, 24])
        #expect(try (a - r).toArray(Float.self) == [-9, -18, -7, -16])
        #expect(try (a * r).toArray(Float.self) == [10, 40, 30, 80])
        expectClose(try (r / a).toArray(Float.self), [10, 10, Float(10) / 3, 5], tolerance: 0)
        #expect(try a.pow(2).toArray(Float.self) == [1, 4, 9, 16])
        #expect(try a.pow(a).toArray(Float.self) == [1, 4, 27, 256])
        // Python remainder takes the divisor's sign.
        #expect(try Tensor([Float](arrayLiteral: -1.5, 2.5)).remainder(1).toArray(Float.self) == [0.5, 0.5])
        #expect(try Tensor([Float](arrayLiteral: 5, -5)).remainder(try Tensor([Float](arrayLiteral: 3, 3))).toArray(Float.self) == [2, 1])
        #expect(try a.maximum(try Tensor([Float](arrayLiteral: 2.5))).toArray(Float.self) == [2.5, 2.5, 3, 4])
        #expect(try a.minimum(try Tensor([Float](arrayLiteral: 2.5))).toArray(Float.self) == [1, 2, 2.5, 2.5])
        #expect(try a.eq(2).toArray(Bool.self) == [false, true, false, false])
        #expect(try a.ne(2).toArray(Bool.self) == [true, false, true, true])
        #expect(try a.lt(2).toArray(Bool.self) == [true, false, false, false])
        #expect(try a.le(2).toArray(Bool.self) == [true, true, false, false])
        #expect(try a.gt(2).toArray(Bool.self) == [false, false, true, true])
        #expect(try a.ge(2).toArray(Bool.self) == [false, true, true, true])
        #expect(try a.eq(a).toArray(Bool.self).allSatisfy { $0 })
        #expect(try a.lt(a).toArray(Bool.self).allSatisfy { !$0 })
        #expect(try a.gt(r).toArray(Bool.self) == [false, false, false, false])
        expectClose(try a.atan2(a).toArray(Float.self), [Float](repeating: Float.pi / 4, count: 4))
        #expect(try Tensor([Float](arrayLiteral: 7, -7)).floorDivide(2).toArray(Float.self) == [3, -4])
        #expect(try a.add(r, alpha: 0.5).toArray(Float.self) == [6, 12, 8, 14])
        try a.addInPlace(r)
        #expect(try a.toArray(Float.self) == [11, 22, 13, 24])
    }

    @Test func scalarsDoNotPromoteAndCanComeFirst() throws {
        let h = try Tensor([Float](arrayLiteral: 1, 2)).to(dtype: .float16)
        #expect(try (h * 3.0).dtype == .float16)
        #expect(try (h + 1.0).dtype == .float16)
        let f = try Tensor([Float](arrayLiteral: 1, 4))
        #expect(try (1.0 - f).toArray(Float.self) == [0, -3])
        #expect(try (8.0 / f).toArray(Float.self) == [8, 2])
        #expect(try (2.0 * f).toArray(Float.self) == [2, 8])
        #expect(try (2.0 + f).toArray(Float.self) == [3, 6])
        #expect(try (f - 1.0).toArray(Float.self) == [0, 3])
        #expect(try (f / 2.0).toArray(Float.self) == [0.5, 2])
        // Integer tensors stay integer with integral scalars.
        #expect(try (Tensor([Int64](arrayLiteral: 3)) * 2.0).dtype == .int64)
    }

    @Test func clampWhereMaskedFill() throws {
        #expect(try x.clamp(min: -1, max: 1).toArray(Float.self) == [-1, -0.5, 0.25, 1, 1])
        #expect(try x.clamp(min: 0).toArray(Float.self) == [0, 0, 0.25, 1, 3])
        #expect(try x.clamp(max: 0).toArray(Float.self) == [-2, -0.5, 0, 0, 0])
        let cond = try x.gt(0)
        #expect(try Tensor.where(cond, x, try Tensor.zeros([5])).toArray(Float.self) == [0, 0, 0.25, 1, 3])
        #expect(try x.maskedFill(cond, value: -1).toArray(Float.self) == [-2, -0.5, -1, -1, -1])
    }

    @Test func mathErrors() throws {
        expectTorchError("add") { try Tensor.zeros([2]) + Tensor.zeros([3]) }
        expectTorchError("where") { try Tensor.where(try Tensor.zeros([2]), try Tensor.zeros([2]), try Tensor.zeros([2])) }
        expectTorchError("neg") { try Tensor([Bool](arrayLiteral: true)).neg() }
        expectTorchError("clamp") { try Tensor([Float](arrayLiteral: 1)).to(dtype: .complex64).clamp(min: 0) }
        expectTorchError("masked_fill") { try x.maskedFill(try Tensor.zeros([5]), value: 1) }
    }
}
