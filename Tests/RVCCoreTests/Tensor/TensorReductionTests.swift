import Foundation
import Testing
@testable import RVCCore

@Suite struct TensorReductionTests {
    let m: Tensor
    init() throws { m = try Tensor([Float](arrayLiteral: 1, 5, 3, 4, 2, 6), shape: [2, 3]) }

    @Test func reductions() throws {
        #expect(try m.sum().item() == 21)
        #expect(try m.sum(dims: [1]).toArray(Float.self) == [9, 12])
        #expect(try m.sum(dims: [0], keepDim: true).shape == [1, 3])
        #expect(try m.mean(dims: [0]).toArray(Float.self) == [2.5, 3.5, 4.5])
        #expect(try m.amax(dims: [1]).toArray(Float.self) == [5, 6])
        #expect(try m.amin(dims: [1]).toArray(Float.self) == [1, 2])
        #expect(try m.amax().item() == 6)
        #expect(try m.prod(dims: [1]).toArray(Float.self) == [15, 48])
        #expect(try m.prod().item() == 720)
        #expect(try m.gt(0).all().toArray(Bool.self) == [true])
        #expect(try m.gt(5).any(dims: [1]).toArray(Bool.self) == [false, true])
        #expect(try m.gt(5).all(dims: [1]).toArray(Bool.self) == [false, false])
        let n = try Tensor([Float](arrayLiteral: 3, 4))
        #expect(try n.norm().item() == 5)
        #expect(try n.norm(p: 1).item() == 7)
        #expect(try m.norm(dims: [0], keepDim: true).shape == [1, 3])
    }

    @Test func argmaxMaxTopkSort() throws {
        #expect(try m.argmax(dim: 1).toArray(Int64.self) == [1, 2])
        // First maximum on ties.
        #expect(try Tensor([Float](arrayLiteral: 2, 7, 7)).argmax(dim: 0).itemInt() == 1)
        let (values, indices) = try m.max(dim: 0)
        #expect(try values.toArray(Float.self) == [4, 5, 6])
        #expect(try indices.toArray(Int64.self) == [1, 0, 1])
        let top = try Tensor([Float](arrayLiteral: 5, 1, 4, 2, 3)).topk(2, largest: false)
        #expect(try top.values.toArray(Float.self) == [1, 2])
        #expect(try top.indices.toArray(Int64.self) == [1, 3])
        let sorted = try Tensor([Float](arrayLiteral: 3, 1, 2)).sort(descending: true)
        #expect(try sorted.values.toArray(Float.self) == [3, 2, 1])
        #expect(try sorted.indices.toArray(Int64.self) == [0, 2, 1])
    }

    @Test func scansAndSoftmax() throws {
        #expect(try m.cumsum(dim: 1).toArray(Float.self) == [1, 6, 9, 4, 6, 12])
        let row: [Float] = [1, 2, 3]
        let e = row.map { Foundation.exp($0) }
        let z = e.reduce(0, +)
        expectClose(try Tensor(row).softmax(dim: 0).toArray(Float.self), e.map { $0 / z })
        expectClose(try Tensor(row).logSoftmax(dim: 0).toArray(Float.self), e.map { Foundation.log($0 / z) })
    }

    @Test func reductionErrors() throws {
        expectTorchError("sum") { try m.sum(dims: [3]) }
        expectTorchError("topk") { try m.topk(7, dim: 1) }
        expectTorchError("argmax") { try m.argmax(dim: 2) }
        expectTorchError("cumsum") { try m.cumsum(dim: 4) }
        expectTorchError("softmax") { try m.softmax(dim: 4) }
        expectTorchError("log_softmax") { try m.logSoftmax(dim: 4) }
        expectTorchError("max") { try m.max(dim: 4) }
        expectTorchError("sort") { try m.sort(dim: 4) }
        expectTorchError("norm") { try m.norm(dims: [9]) }
        expectTorchError("prod") { try m.prod(dims: [9]) }
    }
}
