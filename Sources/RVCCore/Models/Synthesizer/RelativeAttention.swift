/// Multi-head self-attention with learned relative-position keys and values (one table shared by
/// all heads), the `MultiHeadAttention` of the text encoder (reference-inference.md D.2).
///
/// The reference computes the relative terms over all 2T−1 offsets, padding and reshaping
/// [heads, T, 2T−1] tensors, though its table is zero beyond ±window. Here only the window's
/// 2·window+1 diagonals are computed (the same products; the omitted ones add exact zeros), and
/// queries are taken in blocks of ``queryBlock`` rows, so memory grows with T·block instead of
/// T²: a 41 s segment (4 100 frames) needed about 1 GB for the reference's formulation.
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

    /// Query rows per block of the score matrix ([heads, block, T] floats at a time).
    static let queryBlock = 1024

    /// Self-attention over x [1, C, T] → [1, C, T].
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try attend(x, queryBlock: Self.queryBlock)
    }

    /// Self-attention with `queryBlock` query rows at a time (any block gives the same result).
    func attend(_ x: Tensor, queryBlock: Int) throws -> Tensor {
        let length = x.size(2)
        // [1, C, T] → [1, heads, T, kc]; channel c = head·kc + d as in the reference's view.
        func split(_ t: Tensor) throws -> Tensor {
            try t.reshape([1, heads, headChannels, length]).transposed(2, 3)
        }
        // The reference divides the query by √kc separately for both products; same value each time.
        let scaled = try split(query(x)) / Double(headChannels).squareRoot()
        let keys = try split(key(x)).transposed(-2, -1)
        let v = try split(value(x))
        let width = 2 * window + 1
        // Offsets −window…window; row m of the tables is offset m − window.
        let keyTable = try relativeKeys.unsqueeze(0).transposed(-2, -1)  // [1, 1, kc, width]
        let valueTable = try relativeValues.unsqueeze(0)  // [1, 1, width, kc]
        // Scores are held with `window` spare columns on each side, where the band's entries
        // that fall outside the sequence land and are ignored.
        let padded = length + 2 * window
        let out = try Tensor.zeros([1, heads, length, headChannels], dtype: x.dtype, device: x.device)
        var first = 0
        while first < length {
            let rows = min(max(1, queryBlock), length - first)
            let q = try scaled.narrow(dim: 2, start: first, length: rows)
            let scores = try Tensor.zeros([1, heads, rows, padded], dtype: x.dtype, device: x.device)
            try scores.narrow(dim: 3, start: window, length: length).copyFrom(q.matmul(keys))
            // Query row first + i, offset m − window: column first + i + m of the padded scores.
            try scores.diagonalBand(width: width, first: first).addInPlace(q.matmul(keyTable))
            let weights = try scores.narrow(dim: 3, start: window, length: length).softmax(dim: -1)
            let block = try weights.matmul(v)
            let band = try weights.pad([window, window]).diagonalBand(width: width, first: first)
            try block.addInPlace(band.matmul(valueTable))
            try out.narrow(dim: 2, start: first, length: rows).copyFrom(block)
            first += rows
        }
        let merged = try out.transposed(2, 3).contiguous().reshape([1, heads * headChannels, length])
        return try output(merged)
    }
}
