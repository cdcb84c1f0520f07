import Testing
@testable import RVCCore

@Suite struct TensorLayoutTests {
    let m: Tensor
    init() throws { m = try Tensor((0..<6).map(Float.init), shape: [2, 3]) }

    @Test func reshapePermuteTransposeContiguous() throws {
        #expect(try m.reshape([3, 2]).shape == [3, 2])
        #expect(try m.reshape([-1]).shape == [6])
        let t = try m.transposed(0, 1)
        #expect(t.shape == [3, 2])
        #expect(!t.isContiguous)
        #expect(try t.toArray(Float.self) == [0, 3, 1, 4, 2, 5])
        #expect(try t.contiguous().isContiguous)
        #expect(try m.unsqueeze(0).permute([2, 0, 1]).shape == [3, 1, 2])
        #expect(try m.unsqueeze(1).shape == [2, 1, 3])
        #expect(try m.unsqueeze(1).squeeze(1).shape == [2, 3])
    }

    @Test func expandFlipSliceNarrow() throws {
        let row = try Tensor([Float](arrayLiteral: 1, 2, 3), shape: [1, 3])
        #expect(try row.expand([2, 3]).toArray(Float.self) == [1, 2, 3, 1, 2, 3])
        #expect(try m.flip([1]).toArray(Float.self) == [2, 1, 0, 5, 4, 3])
        #expect(try m.slice(dim: 1, start: 1).toArray(Float.self) == [1, 2, 4, 5])
        #expect(try m.slice(dim: 1, start: 0, end: 3, step: 2).toArray(Float.self) == [0, 2, 3, 5])
        #expect(try m.slice(dim: 1, start: -1).toArray(Float.self) == [2, 5])
        #expect(try m.narrow(dim: 0, start: 1, length: 1).toArray(Float.self) == [3, 4, 5])
    }

    @Test func cloneAndCopyDoNotAlias() throws {
        let c = try m.clone()
        try c.copyFrom(try Tensor.zeros([2, 3]))
        #expect(try c.toArray(Float.self) == [0, 0, 0, 0, 0, 0])
        #expect(try m.toArray(Float.self) == [0, 1, 2, 3, 4, 5])
    }

    @Test func catStackIndexSelectGather() throws {
        #expect(try Tensor.cat([m, m], dim: 0).shape == [4, 3])
        #expect(try Tensor.cat([m, m], dim: 1).toArray(Float.self) == [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
        #expect(try Tensor.stack([m, m], dim: 0).shape == [2, 2, 3])
        let idx = try Tensor([Int64](arrayLiteral: 2, 0))
        #expect(try m.indexSelect(dim: 1, index: idx).toArray(Float.self) == [2, 0, 5, 3])
        let g = try Tensor([Int64](arrayLiteral: 0, 0, 1, 2), shape: [2, 2])
        #expect(try m.gather(dim: 1, index: g).toArray(Float.self) == [0, 0, 4, 5])
        #expect(try Tensor([Float](arrayLiteral: 1, 2)).repeatInterleave(2, dim: 0).toArray(Float.self) == [1, 1, 2, 2])
    }

    @Test func layoutErrorsCarryTheNativeMessage() throws {
        expectTorchError("reshape") { try m.reshape([4, 2]) }
        expectTorchError("cat") { try Tensor.cat([m, try Tensor.zeros([2, 2])], dim: 0) }
        expectTorchError("cat", kind: .invalidArgument) { try Tensor.cat([], dim: 0) }
        expectTorchError("permute") { try m.permute([0]) }
        expectTorchError("index_select") { try m.indexSelect(dim: 1, index: try Tensor([Float](arrayLiteral: 0))) }
        expectTorchError("narrow") { try m.narrow(dim: 1, start: 2, length: 5) }
        expectTorchError("expand") { try m.expand([3, 3]) }
        expectTorchError("transpose") { try m.transposed(0, 5) }
    }
}
