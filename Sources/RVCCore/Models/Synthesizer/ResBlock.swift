/// A HiFi-GAN residual block (`ResBlock1` or `ResBlock2`, reference-inference.md D.6).
struct ResBlock: Sendable {
    /// One residual step: LeakyReLU(0.1) → dilated conv [→ LeakyReLU(0.1) → conv], added to the input.
    struct Step: Sendable {
        let dilated: Conv1dLayer
        let second: Conv1dLayer?
    }

    let steps: [Step]

    /// The negative slope of every LeakyReLU inside the blocks (`modules.LRELU_SLOPE`).
    static let slope = 0.1

    /// `kind1` selects ResBlock1 (three dilated/plain conv pairs, keys `convs1`/`convs2`), otherwise
    /// ResBlock2 (two dilated convs, key `convs`).
    init(_ reader: SynthesizerWeightReader, _ prefix: String, channels: Int, kernel: Int, dilations: [Int], kind1: Bool) throws {
        let needed = kind1 ? 3 : 2
        guard dilations.count >= needed else {
            throw reader.unsupported("\(prefix): resblock needs \(needed) dilations, the config gives \(dilations)")
        }
        func conv(_ name: String, dilation: Int) throws -> Conv1dLayer {
            try Conv1dLayer(
                reader, name, out: channels, in: channels, kernel: kernel,
                padding: (kernel * dilation - dilation) / 2, dilation: dilation, weightNorm: true)
        }
        steps = try (0..<needed).map { m in
            kind1
                ? Step(dilated: try conv(prefix + ".convs1.\(m)", dilation: dilations[m]),
                       second: try conv(prefix + ".convs2.\(m)", dilation: 1))
                : Step(dilated: try conv(prefix + ".convs.\(m)", dilation: dilations[m]), second: nil)
        }
    }

    func callAsFunction(_ input: Tensor) throws -> Tensor {
        // Each step is x + conv2(lrelu(conv1(lrelu(x)))) (kind 1) or x + conv(lrelu(x)) (kind 2).
        // Where the convolution's form allows (``Conv1dLayer/fuses(_:)``) the activations are
        // applied while the input is read, and from the second step on the sum is written into
        // `x` itself (a tensor this block made): a kind-1 step then holds one activation-sized
        // temporary instead of three. The first step must not write into `input` (the caller's).
        var x = input
        var owned = false
        for step in steps {
            if let second = step.second {
                let t = try step.dilated(x, inputLeakySlope: Self.slope, accumulatingInto: nil)
                let fused = second.fuses(t)
                if !fused { try t.leakyReluInPlace(Self.slope) }
                let slope = fused ? Self.slope : nil
                x = owned
                    ? try second(t, inputLeakySlope: slope, accumulatingInto: x)
                    : try Self.sum(second(t, inputLeakySlope: slope, accumulatingInto: nil), x)
            } else {
                // Reads `x` while the sum is formed, so it cannot be written into `x`.
                x = try Self.sum(step.dilated(x, inputLeakySlope: Self.slope, accumulatingInto: nil), x)
            }
            owned = true
        }
        return x
    }

    /// `t + x` into `t` (a fresh tensor), the order the reference adds in.
    private static func sum(_ t: Tensor, _ x: Tensor) throws -> Tensor {
        try t.addInPlace(x)
        return t
    }
}
