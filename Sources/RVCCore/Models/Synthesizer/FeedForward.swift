/// The text encoder's position-wise FFN: conv → ReLU → conv with "same" padding that puts the odd
/// sample on the right ((K−1)/2 left, K/2 right), as the reference's `_same_padding`.
struct FeedForward: Sendable {
    let expand: Conv1dLayer
    let project: Conv1dLayer
    let padLeft: Int
    let padRight: Int

    init(_ reader: SynthesizerWeightReader, _ prefix: String, channels: Int, filterChannels: Int, kernel: Int) throws {
        expand = try Conv1dLayer(reader, prefix + ".conv_1", out: filterChannels, in: channels, kernel: kernel)
        project = try Conv1dLayer(reader, prefix + ".conv_2", out: channels, in: filterChannels, kernel: kernel)
        padLeft = (kernel - 1) / 2
        padRight = kernel / 2
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let h = try expand(x.pad([padLeft, padRight])).relu()
        return try project(h.pad([padLeft, padRight]))
    }
}
