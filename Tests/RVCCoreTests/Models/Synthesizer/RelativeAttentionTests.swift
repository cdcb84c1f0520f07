import Foundation
import Testing
@testable import RVCCore

@Suite("RelativeAttention")
struct RelativeAttentionTests {
    static let channels = 8, heads = 2, window = 3

    static func attention(seed: UInt64) throws -> RelativeAttention {
        let generator = try Generator(seed: seed)
        var entries: [(String, Tensor)] = []
        for name in ["conv_q", "conv_k", "conv_v", "conv_o"] {
            entries.append(("a.\(name).weight", try Tensor.randn([channels, channels, 1], generator: generator) * 0.5))
            entries.append(("a.\(name).bias", try Tensor.randn([channels], generator: generator) * 0.1))
        }
        let kc = channels / heads
        entries.append(("a.emb_rel_k", try Tensor.randn([1, 2 * window + 1, kc], generator: generator)))
        entries.append(("a.emb_rel_v", try Tensor.randn([1, 2 * window + 1, kc], generator: generator)))
        let reader = SynthesizerWeightReader(weights: StateDict(entries, source: "test"), dtype: .float32, device: .cpu)
        return try RelativeAttention(reader, "a", channels: channels, heads: heads)
    }

    /// The reference's formulation, written out independently: relative logits against the full
    /// (2T−1)-row table, converted to absolute positions by pad-and-reshape, and back for the values.
    static func reference(_ a: RelativeAttention, _ x: Tensor) throws -> Tensor {
        let t = x.size(2), h = a.heads, kc = a.headChannels, w = a.window
        func split(_ y: Tensor) throws -> Tensor { try y.reshape([1, h, kc, t]).transposed(2, 3) }
        func table(_ e: Tensor) throws -> Tensor {
            let padLength = max(t - (w + 1), 0), start = max((w + 1) - t, 0)
            let padded = padLength > 0 ? try e.pad([0, 0, padLength, padLength]) : e
            return try padded.slice(dim: 1, start: start, end: start + 2 * t - 1)
        }
        let q = try split(a.query(x)) / Double(kc).squareRoot()
        let k = try split(a.key(x)), v = try split(a.value(x))
        let logits = try q.matmul(table(a.relativeKeys).unsqueeze(0).transposed(-2, -1))
        let absolute = try logits.pad([0, 1]).reshape([1, h, t * 2 * t]).pad([0, t - 1])
            .reshape([1, h, t + 1, 2 * t - 1]).slice(dim: 2, start: 0, end: t).slice(dim: 3, start: t - 1)
        let weights = try (q.matmul(k.transposed(-2, -1)) + absolute).softmax(dim: -1)
        let relative = try weights.pad([0, t - 1]).reshape([1, h, t * t + t * (t - 1)]).pad([t, 0])
            .reshape([1, h, t, 2 * t]).slice(dim: 3, start: 1)
        let out = try weights.matmul(v) + relative.matmul(table(a.relativeValues).unsqueeze(0))
        return try a.output(out.transposed(2, 3).contiguous().reshape([1, h * kc, t]))
    }

    /// The banded, blocked form equals the reference's formulation for sequences shorter than the
    /// window, around it and longer, with blocks that divide the length, leave a remainder, are
    /// one row, or hold everything.
    @Test("the banded form equals the reference formulation", arguments: [1, 2, 3, 4, 5, 17, 64])
    func bandedFormEqualsReference(length: Int) throws {
        let a = try Self.attention(seed: UInt64(length))
        let x = try Tensor.randn([1, Self.channels, length], generator: Generator(seed: 99))
        let expected = try Self.reference(a, x).toArray(Float.self)
        let peak = expected.map { abs($0) }.max() ?? 0
        #expect(peak > 0)
        for block in [1, 5, 16, RelativeAttention.queryBlock] {
            let actual = try a.attend(x, queryBlock: block).toArray(Float.self)
            let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(actual.count == expected.count && worst <= 1e-6 * peak, "T \(length), block \(block): \(worst) of \(peak)")
        }
    }

    @Test func bandOutsideTheRowsIsRefused() throws {
        let x = try Tensor.zeros([1, 2, 4, 10])
        #expect(try x.diagonalBand(width: 7, first: 0).shape == [1, 2, 4, 7])
        expectTorchError("diagonal band") { try x.diagonalBand(width: 7, first: 1) }
        expectTorchError("diagonal band") { try x.transposed(2, 3).diagonalBand(width: 1, first: 0) }
        // Element (i, m) is column first + i + m.
        let matrix = try Tensor((0..<12).map(Float.init), shape: [3, 4])
        #expect(try matrix.diagonalBand(width: 2, first: 0).toArray(Float.self) == [0, 1, 5, 6, 10, 11])
        expectTorchError("diagonal band") { try matrix.diagonalBand(width: 2, first: 1) }
    }
}
