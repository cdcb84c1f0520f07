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
        var x = input
        for step in steps {
            // In place on the fresh tensors only: `x` is the caller's input on the first step.
            var t = try step.dilated(x.leakyRelu(Self.slope))
            if let second = step.second {
                try t.leakyReluInPlace(Self.slope)
                t = try second(t)
            }
            try t.addInPlace(x)
            x = t
        }
        return x
    }
}
