import Foundation
import Testing
@testable import RVCCore

/// The two alternative forms of a stride-1 conv1d (matrix products, block DFT) against LibTorch's
/// direct convolution, over the edge cases of their tiling: sequences shorter than one block,
/// lengths that leave a partial last block or tile, dilation, padding other than "same", bias.
@Suite struct TensorConvolutionFormsTests {
    struct Case: CustomStringConvertible, Sendable {
        var channels = 6, outputs = 5, kernel = 11, dilation = 1, padding = 5, length = 700, bias = true
        var description: String { "C \(channels) → \(outputs), k \(kernel) d \(dilation) pad \(padding), T \(length), bias \(bias)" }
    }

    static let cases: [Case] = [
        Case(),
        Case(kernel: 7, dilation: 3, padding: 9, length: 513),
        Case(kernel: 11, dilation: 5, padding: 25, length: 1001),
        Case(kernel: 11, dilation: 3, padding: 0, length: 400, bias: false),
        Case(channels: 3, outputs: 8, kernel: 7, dilation: 1, padding: 2, length: 31),  // shorter than a block
        Case(channels: 4, outputs: 4, kernel: 3, dilation: 5, padding: 5, length: 97),
        Case(kernel: 11, dilation: 5, padding: 0, length: 51),  // exactly one output
        // 121 outputs: phase 0 holds 41 positions, phases 1 and 2 hold 40, so with block 16 (10
        // valid) and two blocks per phase per product (tile 7) the last product has a block of
        // phase 0 only.
        Case(kernel: 7, dilation: 3, padding: 0, length: 139),
    ]

    /// The operands of one case and the direct convolution's output.
    struct Operands {
        let x: Tensor, weight: Tensor, bias: Tensor?, direct: [Float]
        init(_ c: Case) throws {
            x = try Tensor(pseudoRandom(c.channels * c.length, seed: 11), shape: [1, c.channels, c.length])
            weight = try Tensor(pseudoRandom(c.outputs * c.channels * c.kernel, seed: 12), shape: [c.outputs, c.channels, c.kernel])
            bias = c.bias ? try Tensor(pseudoRandom(c.outputs, seed: 13)) : nil
            direct = try x.conv1d(weight: weight, bias: bias, padding: c.padding, dilation: c.dilation).toArray(Float.self)
        }
    }

    /// Agreement within `relative` of the direct output's peak, element by element.
    func expectMatches(_ actual: Tensor, _ expected: [Float], shape: [Int], relative: Float, _ what: String) throws {
        #expect(actual.shape == shape, "\(what): shape \(actual.shape)")
        let values = try actual.toArray(Float.self)
        let peak = expected.map(Swift.abs).max() ?? 0
        #expect(peak > 0)
        let worst = zip(values, expected).map { Swift.abs($0 - $1) }.max() ?? .infinity
        #expect(values.count == expected.count && worst <= relative * peak, "\(what): max error \(worst) of peak \(peak)")
    }

    @Test(arguments: cases) func blockDFTEqualsTheDirectConvolution(_ c: Case) throws {
        let o = try Operands(c)
        let outLength = c.length + 2 * c.padding - (c.kernel - 1) * c.dilation
        for block in [16, 32, 64] where block > c.kernel - 1 {
            let spectrum = try o.weight.conv1dDFTSpectrum(block: block)
            #expect(spectrum.shape == [3, block / 2 + 1, c.outputs, c.channels])
            for tileBlocks in [1, 3, 7, 64] {
                let y = try o.x.conv1dDFT(
                    spectrum: spectrum, bias: o.bias, kernel: c.kernel, padding: c.padding, dilation: c.dilation,
                    block: block, tileBlocks: tileBlocks)
                try expectMatches(y, o.direct, shape: [1, c.outputs, outLength], relative: 2e-6, "\(c), block \(block), tile \(tileBlocks)")
            }
        }
    }

    @Test(arguments: cases) func matrixFormEqualsTheDirectConvolution(_ c: Case) throws {
        let o = try Operands(c)
        let outLength = c.length + 2 * c.padding - (c.kernel - 1) * c.dilation
        for tile in [1, 7, 4096] {
            let y = try o.x.conv1dGEMM(weight: o.weight, bias: o.bias, padding: c.padding, dilation: c.dilation, tile: tile)
            try expectMatches(y, o.direct, shape: [1, c.outputs, outLength], relative: 2e-6, "\(c), tile \(tile)")
        }
    }

    /// The fused forms give bit for bit what the separate operations give: the convolution of
    /// leakyRelu(x) with the same form, then `+ residual`; the sum lands in the residual's own
    /// storage. A cropped (channel-strided) input reads the same values as its contiguous copy.
    @Test(arguments: cases) func fusedActivationAndResidualEqualTheSeparateOperations(_ c: Case) throws {
        let o = try Operands(c)
        let outLength = c.length + 2 * c.padding - (c.kernel - 1) * c.dilation
        let residualValues = pseudoRandom(c.outputs * outLength, seed: 14)
        let activated = try o.x.leakyRelu(0.1)
        // The input as a view into a wider buffer (the decoder's upsampler returns such a crop).
        let wide = try Tensor(pseudoRandom(c.channels * (c.length + 9), seed: 15), shape: [1, c.channels, c.length + 9])
        try wide.narrow(dim: 2, start: 4, length: c.length).copyFrom(o.x)
        let view = try wide.narrow(dim: 2, start: 4, length: c.length)
        #expect(!view.isContiguous)

        typealias Form = (_ x: Tensor, _ slope: Double?, _ residual: Tensor?) throws -> Tensor
        let spectrum = try o.weight.conv1dDFTSpectrum(block: 32)
        let forms: [(String, Form)] = [
            ("GEMM", { try $0.conv1dGEMM(weight: o.weight, bias: o.bias, padding: c.padding, dilation: c.dilation, tile: 7, inputLeakySlope: $1, accumulatingInto: $2) }),
            ("DFT", { try $0.conv1dDFT(spectrum: spectrum, bias: o.bias, kernel: c.kernel, padding: c.padding, dilation: c.dilation, block: 32, tileBlocks: 3, inputLeakySlope: $1, accumulatingInto: $2) }),
        ]
        for (name, form) in forms {
            let separate = try form(activated, nil, nil)
            try separate.addInPlace(Tensor(residualValues, shape: [1, c.outputs, outLength]))
            let expected = try separate.toArray(Float.self)
            for input in [o.x, view] {
                let residual = try Tensor(residualValues, shape: [1, c.outputs, outLength])
                let fused = try form(input, 0.1, residual)
                #expect(try fused.toArray(Float.self) == expected, "\(name) \(c), contiguous \(input.isContiguous)")
                #expect(try residual.toArray(Float.self) == expected, "\(name): the sum is written into the residual")
                // Activation alone, into a new tensor.
                #expect(try form(input, 0.1, nil).toArray(Float.self) == form(activated, nil, nil).toArray(Float.self), "\(name) \(c)")
            }
            // A residual of another shape, or one sharing the input's memory, is refused.
            expectTorchError("conv1d (\(name))") { try form(o.x, nil, Tensor.zeros([1, c.outputs, outLength + 1])) }
            if c.outputs == c.channels, outLength == c.length {
                expectTorchError("conv1d (\(name))") { try form(o.x, nil, o.x) }
            }
        }
    }

    /// The transforms' baseline builds (what CPUs without AVX2 and FMA run) hold to the same
    /// tolerance, in a process of their own since the switch is process-wide.
    @Test func blockDFTBaselineKernelsEqualTheDirectConvolution() async {
        await #expect(processExitsWith: .exitCode(0)) {
            Torch.setWideVectorKernels(false)
            for (n, c) in Self.cases.enumerated() {
                guard let o = try? Operands(c) else { exit(100) }
                for block in [16, 32, 64] where block > c.kernel - 1 {
                    guard let spectrum = try? o.weight.conv1dDFTSpectrum(block: block),
                          let y = try? o.x.conv1dDFT(
                              spectrum: spectrum, bias: o.bias, kernel: c.kernel, padding: c.padding,
                              dilation: c.dilation, block: block, tileBlocks: 3, inputLeakySlope: nil),
                          let values = try? y.toArray(Float.self), values.count == o.direct.count
                    else { exit(Int32(n + 1)) }
                    let peak = o.direct.map(Swift.abs).max() ?? 0
                    let worst = zip(values, o.direct).map { Swift.abs($0 - $1) }.max() ?? .infinity
                    if !(peak > 0 && worst <= 2e-6 * peak) { exit(Int32(50 + n)) }
                }
            }
            exit(0)
        }
    }

    @Test func blockDFTRejectsWhatItCannotCompute() throws {
        let weight = try Tensor(pseudoRandom(2 * 3 * 11, seed: 1), shape: [2, 3, 11])
        expectTorchError("conv1d (DFT) weight") { try weight.conv1dDFTSpectrum(block: 48) }  // not a power of two
        expectTorchError("conv1d (DFT) weight") { try weight.conv1dDFTSpectrum(block: 8) }  // shorter than the kernel
        let spectrum = try weight.conv1dDFTSpectrum(block: 32)
        let x = try Tensor(pseudoRandom(3 * 100), shape: [1, 3, 100])
        // Another channel count, another block, a batch of two, a sequence shorter than the span.
        expectTorchError("conv1d (DFT) input") {
            try Tensor.zeros([1, 4, 100]).conv1dDFT(spectrum: spectrum, kernel: 11, block: 32)
        }
        expectTorchError("conv1d (DFT) input") { try x.conv1dDFT(spectrum: spectrum, kernel: 11, block: 64) }
        expectTorchError("conv1d (DFT) input") {
            try Tensor.zeros([2, 3, 100]).conv1dDFT(spectrum: spectrum, kernel: 11, block: 32)
        }
        expectTorchError("conv1d (DFT) input") {
            try Tensor.zeros([1, 3, 30]).conv1dDFT(spectrum: spectrum, kernel: 11, dilation: 3, block: 32)
        }
        // The spectrum still serves after the failures.
        let y = try x.conv1dDFT(spectrum: spectrum, kernel: 11, padding: 5, block: 32)
        try expectMatches(y, try x.conv1d(weight: weight, padding: 5).toArray(Float.self), shape: [1, 2, 100], relative: 2e-6, "after errors")
    }
}
