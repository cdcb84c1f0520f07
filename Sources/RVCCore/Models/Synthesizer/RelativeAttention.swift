/// Multi-head self-attention with learned relative-position keys and values (one table shared by
/// all heads), the `MultiHeadAttention` of the text encoder (reference-inference.md D.2).
///
/// The relative terms use the reference's pad-and-reshape formulation so that results agree to the
/// last bit: relative logits are a matmul against a (2T−1)-row table, converted to absolute
/// positions by padding and reshaping, and the attention weights are converted back the same way.
/// Masks are omitted: the pipeline always runs with every frame valid, where they are no-ops.
struct RelativeAttention: Sendable {
    let query: Conv1dLayer
    let key: Conv1dLayer
    let value: Conv1dLayer
    let output: Conv1dLayer
    /// `emb_rel_k` / `emb_rel_v`: [1, 2·window+1, kc].
    let relativeKeys: Tensor
    let relativeValues: Tensor
    let heads: Int
    let headChannels: Int
    let window: Int

    init(_ reader: SynthesizerWeightReader, _ prefix: String, channels: Int, heads: Int) throws {
        guard heads > 0, channels % heads == 0 else {
            throw reader.unsupported("\(channels) hidden channels cannot be split into \(heads) heads")
        }
        self.heads = heads
        headChannels = channels / heads
        query = try Conv1dLayer(reader, prefix + ".conv_q", out: channels, in: channels, kernel: 1)
        key = try Conv1dLayer(reader, prefix + ".conv_k", out: channels, in: channels, kernel: 1)
        value = try Conv1dLayer(reader, prefix + ".conv_v", out: channels, in: channels, kernel: 1)
        output = try Conv1dLayer(reader, prefix + ".conv_o", out: channels, in: channels, kernel: 1)
        let rows = try reader.shape(prefix + ".emb_rel_k", rank: 3)[1]
        guard rows % 2 == 1 else {
            throw reader.unsupported("\(prefix).emb_rel_k has \(rows) rows; a relative table has 2·window+1")
        }
        window = (rows - 1) / 2
        relativeKeys = try reader.tensor(prefix + ".emb_rel_k", shape: [1, rows, headChannels])
        relativeValues = try reader.tensor(prefix + ".emb_rel_v", shape: [1, rows, headChannels])
    }

    /// Self-attention over x [1, C, T] → [1, C, T].
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let length = x.size(2)
        // [1, C, T] → [1, heads, T, kc]; channel c = head·kc + d as in the reference's view.
        func split(_ t: Tensor) throws -> Tensor {
            try t.reshape([1, heads, headChannels, length]).transposed(2, 3)
        }
        let q = try split(query(x))
        let k = try split(key(x))
        let v = try split(value(x))
        // The reference divides the query by √kc separately for both products; same value each time.
        let scaled = try q / Double(headChannels).squareRoot()
        var scores = try scaled.matmul(k.transposed(-2, -1))
        let keyTable = try relativeEmbeddings(relativeKeys, length: length)
        let relativeLogits = try scaled.matmul(keyTable.unsqueeze(0).transposed(-2, -1))
        scores = try scores + relativeToAbsolute(relativeLogits, length: length)
        let weights = try scores.softmax(dim: -1)
        var out = try weights.matmul(v)
        let valueTable = try relativeEmbeddings(relativeValues, length: length)
        out = try out + absoluteToRelative(weights, length: length).matmul(valueTable.unsqueeze(0))
        let merged = try out.transposed(2, 3).contiguous().reshape([1, heads * headChannels, length])
        return try output(merged)
    }

    /// The (2T−1) rows of the table for offsets −(T−1)…T−1: zero rows beyond the window.
    private func relativeEmbeddings(_ table: Tensor, length: Int) throws -> Tensor {
        let padLength = max(length - (window + 1), 0)
        let sliceStart = max((window + 1) - length, 0)
        let padded = padLength > 0 ? try table.pad([0, 0, padLength, padLength]) : table
        return try padded.slice(dim: 1, start: sliceStart, end: sliceStart + 2 * length - 1)
    }

    /// [1, h, T, 2T−1] relative logits → [1, h, T, T] absolute.
    private func relativeToAbsolute(_ x: Tensor, length: Int) throws -> Tensor {
        let h = x.size(1)
        let padded = try x.pad([0, 1]).reshape([1, h, length * 2 * length]).pad([0, length - 1])
        return try padded.reshape([1, h, length + 1, 2 * length - 1])
            .slice(dim: 2, start: 0, end: length)
            .slice(dim: 3, start: length - 1)
    }

    /// [1, h, T, T] absolute weights → [1, h, T, 2T−1] relative.
    private func absoluteToRelative(_ x: Tensor, length: Int) throws -> Tensor {
        let h = x.size(1)
        let padded = try x.pad([0, length - 1])
            .reshape([1, h, length * length + length * (length - 1)])
            .pad([length, 0])
        return try padded.reshape([1, h, length, 2 * length]).slice(dim: 3, start: 1)
    }
}
