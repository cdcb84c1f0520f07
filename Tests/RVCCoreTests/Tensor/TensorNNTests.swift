import Foundation
import Testing
@testable import RVCCore

/// Neural-network ops checked against naive loops written here.
@Suite struct TensorNNTests {
    @Test func matmulBmmLinear() throws {
        let a = try Tensor([Float](arrayLiteral: 1, 2, 3, 4, 5, 6), shape: [2, 3])
        let b = try Tensor([Float](arrayLiteral: 1, 0, 0, 1, 1, 1), shape: [3, 2])
        #expect(try a.matmul(b).toArray(Float.self) == [4, 5, 10, 11])
        #expect(try a.unsqueeze(0).bmm(try b.unsqueeze(0)).shape == [1, 2, 2])
        let w = try Tensor([Float](arrayLiteral: 1, 1, 1, 0, 1, 0), shape: [2, 3])
        let bias = try Tensor([Float](arrayLiteral: 0.5, -1))
        #expect(try a.linear(weight: w, bias: bias).toArray(Float.self) == [6.5, 1, 15.5, 4])
        #expect(try a.linear(weight: w, bias: nil).toArray(Float.self) == [6, 2, 15, 5])
        expectTorchError("matmul") { try a.matmul(a) }
        expectTorchError("bmm") { try a.bmm(a) }
        expectTorchError("linear") { try a.linear(weight: b, bias: nil) }
    }

    @Test func attentionEqualsExplicitSoftmax() throws {
        let (t, d) = (4, 3)
        let q = pseudoRandom(t * d, seed: 1), k = pseudoRandom(t * d, seed: 2), v = pseudoRandom(t * d, seed: 3)
        var expected = [Float](repeating: 0, count: t * d)
        let scale = 1 / Float(d).squareRoot()
        for i in 0..<t {
            var scores = (0..<t).map { j in (0..<d).map { q[i * d + $0] * k[j * d + $0] }.reduce(0, +) * scale }
            scores[t - 1] = -.infinity  // masked key
            let m = scores.max()!
            let e = scores.map { Foundation.exp($0 - m) }
            let z = e.reduce(0, +)
            for c in 0..<d { expected[i * d + c] = (0..<t).map { e[$0] / z * v[$0 * d + c] }.reduce(0, +) }
        }
        let mask = try Tensor([Float](arrayLiteral: 0, 0, 0, -.infinity), shape: [1, 1, 1, t])
        let out = try Tensor(q, shape: [1, 1, t, d]).scaledDotProductAttention(
            key: try Tensor(k, shape: [1, 1, t, d]), value: try Tensor(v, shape: [1, 1, t, d]), mask: mask)
        expectClose(try out.toArray(Float.self), expected, tolerance: 1e-6)
        expectTorchError("scaled_dot_product_attention") {
            try Tensor(q, shape: [1, 1, t, d]).scaledDotProductAttention(key: try Tensor.zeros([1, 1, t, 2]), value: try Tensor.zeros([1, 1, t, d]))
        }
    }

    @Test func conv1dWithPaddingDilationGroups() throws {
        // [1, 2, 5] input, 2 groups, kernel 2, dilation 2, padding 1, stride 1.
        let x = (0..<10).map(Float.init)
        let w: [Float] = [1, -1, 2, 0.5]  // [2, 1, 2]
        let out = try Tensor(x, shape: [1, 2, 5]).conv1d(
            weight: try Tensor(w, shape: [2, 1, 2]), bias: try Tensor([Float](arrayLiteral: 0, 1)),
            stride: 1, padding: 1, dilation: 2, groups: 2)
        func naive(_ c: Int) -> [Float] {
            let padded = [0] + Array(x[(c * 5)..<(c * 5 + 5)]) + [0]
            return (0..<(padded.count - 2)).map { i in padded[i] * w[c * 2] + padded[i + 2] * w[c * 2 + 1] + Float(c) }
        }
        #expect(out.shape == [1, 2, 5])
        expectClose(try out.toArray(Float.self), naive(0) + naive(1))
        let strided = try Tensor(Array(x[0..<5]), shape: [1, 1, 5]).conv1d(weight: try Tensor([Float](arrayLiteral: 1, 1), shape: [1, 1, 2]), stride: 2)
        #expect(try strided.toArray(Float.self) == [1, 5])
        expectTorchError("conv1d") { try Tensor.zeros([1, 3, 5]).conv1d(weight: try Tensor.zeros([2, 2, 1])) }
    }

    @Test func conv2dAndAvgPool() throws {
        let x = (0..<16).map(Float.init)
        let k: [Float] = [1, 0, 0, -1]  // [1,1,2,2]: x[i][j] - x[i+1][j+1]
        let out = try Tensor(x, shape: [1, 1, 4, 4]).conv2d(weight: try Tensor(k, shape: [1, 1, 2, 2]), bias: nil, stride: (1, 1), padding: (0, 0))
        #expect(out.shape == [1, 1, 3, 3])
        #expect(try out.toArray(Float.self).allSatisfy { $0 == -5 })
        let padded = try Tensor(x, shape: [1, 1, 4, 4]).conv2d(weight: try Tensor.ones([1, 1, 3, 3]), padding: (1, 1))
        #expect(try padded.toArray(Float.self)[0] == 0 + 1 + 4 + 5)
        let pooled = try Tensor(x, shape: [1, 1, 4, 4]).avgPool2d(kernel: (2, 2), stride: (2, 2))
        #expect(try pooled.toArray(Float.self) == [2.5, 4.5, 10.5, 12.5])
        expectTorchError("conv2d") { try Tensor.zeros([1, 2, 4, 4]).conv2d(weight: try Tensor.ones([1, 1, 3, 3])) }
        expectTorchError("avg_pool2d") { try Tensor.zeros([1, 1, 1, 1]).avgPool2d(kernel: (2, 2), stride: (2, 2)) }
    }

    @Test func transposedConvolutionsScatterTheKernel() throws {
        // conv_transpose1d: out[i·s + j − p] += x[i]·w[j].
        let x: [Float] = [1, 2, 3]
        let w: [Float] = [1, 10, 100, 1000]
        let (s, p) = (2, 1)
        var full = [Float](repeating: 0, count: (x.count - 1) * s + w.count)
        for i in 0..<x.count { for j in 0..<w.count { full[i * s + j] += x[i] * w[j] } }
        let expected = Array(full[p..<(full.count - p)])
        let out = try Tensor(x, shape: [1, 1, 3]).convTranspose1d(weight: try Tensor(w, shape: [1, 1, 4]), stride: s, padding: p)
        #expect(out.shape == [1, 1, 6])
        expectClose(try out.toArray(Float.self), expected)
        let withOutputPadding = try Tensor(x, shape: [1, 1, 3]).convTranspose1d(weight: try Tensor(w, shape: [1, 1, 4]), bias: try Tensor([Float](arrayLiteral: 1)), stride: s, padding: p, outputPadding: 1)
        #expect(withOutputPadding.shape == [1, 1, 7])
        // 2-D with stride 2, kernel 3, padding 1, output padding 1: size doubles (RMVPE decoder).
        let up = try Tensor.ones([1, 2, 4, 4]).convTranspose2d(weight: try Tensor.ones([2, 3, 3, 3]), stride: (2, 2), padding: (1, 1), outputPadding: (1, 1))
        #expect(up.shape == [1, 3, 8, 8])
        // Output (0,0) sees only kernel tap (1,1) from input (0,0) of both channels.
        #expect(try up.toArray(Float.self)[0] == 2)
        expectTorchError("conv_transpose1d") { try Tensor.zeros([1, 2, 3]).convTranspose1d(weight: try Tensor.zeros([1, 1, 4])) }
        expectTorchError("conv_transpose2d") { try Tensor.zeros([1, 1, 3, 3]).convTranspose2d(weight: try Tensor.zeros([2, 1, 3, 3])) }
    }

    @Test func normalisations() throws {
        let v: [Float] = [1, 2, 3, 4, 10, 20, 30, 40]
        func normalized(_ row: ArraySlice<Float>) -> [Float] {
            let mean = row.reduce(0, +) / Float(row.count)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(row.count)
            return row.map { ($0 - mean) / (variance + 1e-5).squareRoot() }
        }
        let ln = try Tensor(v, shape: [2, 4]).layerNorm(normalizedShape: [4], weight: try Tensor.full([4], value: 2), bias: try Tensor.ones([4]))
        expectClose(try ln.toArray(Float.self), (normalized(v[0..<4]) + normalized(v[4..<8])).map { $0 * 2 + 1 }, tolerance: 1e-5)
        // Group norm with one channel per group normalises each channel over time.
        let gn = try Tensor(v, shape: [1, 2, 4]).groupNorm(groups: 2, weight: nil, bias: nil)
        expectClose(try gn.toArray(Float.self), normalized(v[0..<4]) + normalized(v[4..<8]), tolerance: 1e-5)
        let bn = try Tensor(v, shape: [1, 2, 4]).batchNorm(
            weight: try Tensor([Float](arrayLiteral: 1, 2)), bias: try Tensor([Float](arrayLiteral: 0, 1)),
            runningMean: try Tensor([Float](arrayLiteral: 1, 10)), runningVar: try Tensor([Float](arrayLiteral: 4, 100)), eps: 0)
        expectClose(try bn.toArray(Float.self), [0, 0.5, 1, 1.5, 1, 3, 5, 7])
        expectTorchError("layer_norm") { try Tensor.zeros([2, 4]).layerNorm(normalizedShape: [3], weight: nil, bias: nil) }
        expectTorchError("group_norm") { try Tensor.zeros([1, 3, 4]).groupNorm(groups: 2, weight: nil, bias: nil) }
        expectTorchError("batch_norm") {
            try Tensor.zeros([1, 2, 4]).batchNorm(weight: nil, bias: nil, runningMean: try Tensor.zeros([3]), runningVar: try Tensor.ones([3]))
        }
    }

    /// The in-place per-channel norm (HuBERT's first block) equals LibTorch's group norm with one
    /// group per channel, including rows with a large offset (where single-precision moments lose
    /// digits) and constant rows (variance 0, eps only).
    @Test func channelNormInPlaceEqualsGroupNormPerChannel() throws {
        let (n, c, length) = (2, 5, 1500)
        var values = pseudoRandom(n * c * length, seed: 7)
        for i in 0..<length { values[length + i] += 1000 }   // row (0, 1): large mean
        for i in 0..<length { values[3 * length + i] = 2.5 }  // row (0, 3): constant
        let x = try Tensor(values, shape: [n, c, length])
        let weight = try Tensor(pseudoRandom(c, seed: 8)), bias = try Tensor(pseudoRandom(c, seed: 9))
        let expected = try x.to(dtype: .float64).groupNorm(groups: c, weight: weight.to(dtype: .float64), bias: bias.to(dtype: .float64))
            .to(dtype: .float32).toArray(Float.self)
        try x.channelNormInPlace(weight: weight, bias: bias)
        let actual = try x.toArray(Float.self)
        #expect(actual.count == expected.count)
        let worst = zip(actual, expected).map { Swift.abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 2e-6, "max deviation \(worst)")
        // The constant row becomes its bias.
        let biasOfRow3 = try bias.toArray(Float.self)[3]
        #expect(actual[(3 * length)..<(4 * length)].allSatisfy { $0 == biasOfRow3 })

        expectTorchError("channel_norm_") { try Tensor.zeros([1, 3, 4], dtype: .float64).channelNormInPlace(weight: Tensor.ones([3]), bias: Tensor.zeros([3])) }
        expectTorchError("channel_norm_") { try Tensor.zeros([1, 3, 4]).channelNormInPlace(weight: Tensor.ones([2]), bias: Tensor.zeros([3])) }
        expectTorchError("channel_norm_") { try Tensor.zeros([1, 4, 3]).transposed(1, 2).channelNormInPlace(weight: Tensor.ones([3]), bias: Tensor.zeros([3])) }
        expectTorchError("channel_norm_") { try Tensor.zeros([3, 4]).channelNormInPlace(weight: Tensor.ones([3]), bias: Tensor.zeros([3])) }
    }

    @Test func embeddingLooksUpRows() throws {
        let table = try Tensor((0..<6).map(Float.init), shape: [3, 2])
        #expect(try table.embedding(try Tensor([Int64](arrayLiteral: 2, 0))).toArray(Float.self) == [4, 5, 0, 1])
        expectTorchError("embedding") { try table.embedding(try Tensor([Int64](arrayLiteral: 3))) }
    }

    @Test func padModes() throws {
        let x = try Tensor([Float](arrayLiteral: 1, 2, 3, 4), shape: [1, 1, 4])
        #expect(try x.pad([2, 1], mode: .constant, value: 9).toArray(Float.self) == [9, 9, 1, 2, 3, 4, 9])
        #expect(try x.pad([2, 2], mode: .reflect).toArray(Float.self) == [3, 2, 1, 2, 3, 4, 3, 2])
        #expect(try x.pad([1, 2], mode: .replicate).toArray(Float.self) == [1, 1, 2, 3, 4, 4, 4])
        expectTorchError("pad") { try x.pad([4, 0], mode: .reflect) }
    }

    @Test func interpolation() throws {
        let x = try Tensor([Float](arrayLiteral: 0, 10, 20), shape: [1, 1, 3])
        #expect(try x.interpolate1d(mode: .nearest, scaleFactor: 2).toArray(Float.self) == [0, 0, 10, 10, 20, 20])
        // align_corners=True: output j samples position j·(L−1)/(M−1).
        expectClose(try x.interpolate1d(mode: .linear, size: 5, alignCorners: true).toArray(Float.self), [0, 5, 10, 15, 20])
        // align_corners=False: position max(0, (j + 0.5)·L/M − 0.5).
        let m = 6
        let expected: [Float] = (0..<m).map { j in
            let src = Swift.max(0, (Float(j) + 0.5) * 3 / Float(m) - 0.5)
            let lo = Int(src), hi = Swift.min(lo + 1, 2)
            let t = src - Float(lo)
            return [0, 10, 20][lo] * (1 - t) + [0, 10, 20][hi] * t
        }
        expectClose(try x.interpolate1d(mode: .linear, size: m).toArray(Float.self), expected, tolerance: 1e-5)
        expectClose(try x.interpolate1d(mode: .linear, scaleFactor: 2, alignCorners: true).toArray(Float.self), [0, 4, 8, 12, 16, 20])
        expectTorchError("interpolate1d", kind: .invalidArgument) { try Tensor.zeros([3]).interpolate1d(mode: .nearest, size: 4) }
        expectTorchError("interpolate1d", kind: .invalidArgument) { try x.interpolate1d(mode: .nearest) }
    }

    @Test func stftMatchesADirectDFT() throws {
        let n = 64, nFFT = 16, hop = 4
        let signal = pseudoRandom(n, seed: 9)
        let window = (0..<nFFT).map { 0.5 - 0.5 * Foundation.cos(2 * Double.pi * Double($0) / Double(nFFT)) }
        let spectrum = try Tensor(signal, shape: [1, n]).stft(nFFT: nFFT, hop: hop, windowLength: nFFT, window: try Tensor.hannWindow(nFFT))
        let frames = 1 + n / hop
        #expect(spectrum.shape == [1, nFFT / 2 + 1, frames])
        #expect(spectrum.dtype == .complex64)
        let ri = try spectrum.viewAsReal().toArray(Float.self)  // [1, bins, frames, 2]
        // Reflect-padded by nFFT/2 on both sides.
        func sample(_ i: Int) -> Double {
            var j = i - nFFT / 2
            if j < 0 { j = -j }
            if j >= n { j = 2 * (n - 1) - j }
            return Double(signal[j])
        }
        for frame in [0, 5, frames - 1] {
            for bin in [0, 3, nFFT / 2] {
                var re = 0.0, im = 0.0
                for t in 0..<nFFT {
                    let v = sample(frame * hop + t) * window[t]
                    re += v * Foundation.cos(2 * .pi * Double(bin * t) / Double(nFFT))
                    im -= v * Foundation.sin(2 * .pi * Double(bin * t) / Double(nFFT))
                }
                let index = (bin * frames + frame) * 2
                #expect(Swift.abs(Double(ri[index]) - re) < 1e-4 && Swift.abs(Double(ri[index + 1]) - im) < 1e-4, "bin \(bin) frame \(frame)")
            }
        }
        expectTorchError("stft") { try Tensor(signal, shape: [1, n]).stft(nFFT: 128, hop: hop, windowLength: 128, window: nil, center: false) }
    }

    @Test func gruMatchesItsEquations() throws {
        let (t, inSize, hidden) = (3, 2, 2)
        let x = pseudoRandom(t * inSize, seed: 4)
        let wih = pseudoRandom(3 * hidden * inSize, seed: 5), whh = pseudoRandom(3 * hidden * hidden, seed: 6)
        let bih = pseudoRandom(3 * hidden, seed: 7), bhh = pseudoRandom(3 * hidden, seed: 8)
        func sigmoid(_ v: Float) -> Float { 1 / (1 + Foundation.exp(-v)) }
        func run(order: [Int]) -> [[Float]] {
            var h = [Float](repeating: 0, count: hidden)
            var outputs = [[Float]](repeating: [], count: t)
            for step in order {
                func gate(_ g: Int, _ u: Int, _ w: [Float], _ input: [Float], _ b: [Float], _ n: Int) -> Float {
                    (0..<n).map { w[(g * hidden + u) * n + $0] * input[$0] }.reduce(0, +) + b[g * hidden + u]
                }
                let xt = Array(x[(step * inSize)..<((step + 1) * inSize)])
                var next = h
                for u in 0..<hidden {
                    let r = sigmoid(gate(0, u, wih, xt, bih, inSize) + gate(0, u, whh, h, bhh, hidden))
                    let z = sigmoid(gate(1, u, wih, xt, bih, inSize) + gate(1, u, whh, h, bhh, hidden))
                    let nn = Foundation.tanh(gate(2, u, wih, xt, bih, inSize) + r * gate(2, u, whh, h, bhh, hidden))
                    next[u] = (1 - z) * nn + z * h[u]
                }
                h = next
                outputs[step] = h
            }
            return outputs
        }
        let forward = run(order: Array(0..<t)), backward = run(order: Array((0..<t).reversed()))
        let params = try [
            Tensor(wih, shape: [3 * hidden, inSize]), Tensor(whh, shape: [3 * hidden, hidden]), Tensor(bih), Tensor(bhh),
            Tensor(wih, shape: [3 * hidden, inSize]), Tensor(whh, shape: [3 * hidden, hidden]), Tensor(bih), Tensor(bhh),
        ]
        let out = try Tensor(x, shape: [1, t, inSize]).gru(parameters: params, layers: 1, bidirectional: true)
        #expect(out.shape == [1, t, 2 * hidden])
        expectClose(try out.toArray(Float.self), (0..<t).flatMap { forward[$0] + backward[$0] }, tolerance: 1e-5)
        expectTorchError("gru", kind: .invalidArgument) { try Tensor(x, shape: [1, t, inSize]).gru(parameters: Array(params[0..<3]), layers: 1, bidirectional: false) }
    }

    @Test func weightNormNormalisesOverAllButDim() throws {
        let v: [Float] = [3, 4, 0, 5]  // [2, 2, 1]: rows (3,4) and (0,5)
        let g: [Float] = [10, 1]
        let w0 = try Tensor.weightNorm(v: try Tensor(v, shape: [2, 2, 1]), g: try Tensor(g, shape: [2, 1, 1]), dim: 0)
        expectClose(try w0.toArray(Float.self), [6, 8, 0, 1])
        // dim = 2 (last): norm over dims 0 and 1 for the single tap: ‖v‖ = √50.
        let w2 = try Tensor.weightNorm(v: try Tensor(v, shape: [2, 2, 1]), g: try Tensor([Float](arrayLiteral: 1), shape: [1, 1, 1]), dim: 2)
        expectClose(try w2.toArray(Float.self), v.map { $0 / Float(50).squareRoot() })
        expectTorchError("weight_norm") { try Tensor.weightNorm(v: try Tensor(v, shape: [2, 2, 1]), g: try Tensor.ones([2, 1, 1]), dim: 5) }
    }
}
