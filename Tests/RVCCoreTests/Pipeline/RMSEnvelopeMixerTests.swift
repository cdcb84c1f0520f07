import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

@Suite("RMS envelope mixing and int16 conversion (E.9, E.11)")
struct RMSEnvelopeMixerTests {
    @Test("mixing the reference synthesizer output and converting to int16 gives the reference output",
          arguments: ParityCase.staged)
    func finalStagesMatchReference(name: String) throws {
        let c = PipelineConstants.float32
        let parity = try #require(try ParityCase.all().first { $0.name == name })
        let highpassed = try parity.array("highpassed").doubles()
        let segment = try parity.array("seg0_out").floats()
        let expected = try parity.array("output").doubles()
        let trim = c.tPadTarget(sampleRate: parity.sampleRate)
        var output = Array(segment[trim..<(segment.count - trim)])
        RMSEnvelopeMixer.mix(input: highpassed, output: &output, outputRate: parity.sampleRate, rate: parity.rmsMixRate)
        let samples = Int16Converter.convert(output)
        #expect(samples.count == expected.count)
        let actual = samples.map(Double.init)
        let worst = maxAbsDifference(actual, expected)
        // Same operations in the same order: at most one step of int16 truncation apart.
        #expect(worst <= 1, "max difference \(worst) LSB")
        let snr = ParityMetrics.snr(actual, reference: expected)
        #expect(snr >= 90, "SNR \(snr) dB")
    }

    @Test("the envelope has 1 + N/hop frames of zero-padded RMS")
    func envelopeFrames() {
        let y = [Double](repeating: 0.5, count: 40000)
        let rms = RMSEnvelopeMixer.envelope(y, frameLength: 16000, hop: 8000)
        #expect(rms.count == 6)
        // First frame is half padding: sqrt(0.25 · 8000 / 16000); interior frames are exactly 0.5.
        #expect(abs(rms[0] - (0.125).squareRoot()) < 1e-15)
        #expect(rms[1] == 0.5 && rms[4] == 0.5)
    }

    @Test("NumPy's pairwise order differs from a running sum and stays within float32 rounding")
    func pairwiseSum() {
        var state: UInt32 = 7
        let values: [Float] = (0..<48000).map { _ in
            state = state &* 1664525 &+ 1013904223
            return Float(state >> 8) / Float(1 << 24)
        }
        let exact = values.reduce(0.0) { $0 + Double($1) }
        let pairwise = values.withUnsafeBufferPointer { PairwiseSum.sum($0) }
        let running = values.reduce(Float(0), +)
        #expect(abs(Double(pairwise) - exact) / exact < 1e-6)
        #expect(abs(Double(pairwise) - exact) < abs(Double(running) - exact))
        let small: [Float] = [1, 2, 3, 4, 5]
        #expect(small.withUnsafeBufferPointer { PairwiseSum.sum($0) } == 15)
    }

    @Test("rate 1 leaves the output unchanged; silent input silences the output without NaN")
    func edgeRates() throws {
        var output: [Float] = (0..<96000).map { Float($0 % 100) / 100 - 0.5 }
        let original = output
        RMSEnvelopeMixer.mix(input: [Double](repeating: 0.1, count: 32000), output: &output, outputRate: 48000, rate: 1)
        #expect(output == original)
        RMSEnvelopeMixer.mix(input: [Double](repeating: 0, count: 32000), output: &output, outputRate: 48000, rate: 0.25)
        #expect(output.allSatisfy { $0 == 0 })
    }

    @Test("int16 conversion scales by 32768, limits peaks above 0.99 and truncates toward zero")
    func int16Conversion() {
        #expect(Int16Converter.convert([0.5, -0.5, 0.00002, -0.00002]) == [16384, -16384, 0, 0])
        let loud = Int16Converter.convert([2, -1, 0])
        let scale = Float(32768 / (2.0 / 0.99))
        #expect(loud == [Int16((2 * scale).rounded(.towardZero)), Int16((-1 * scale).rounded(.towardZero)), 0])
        #expect(loud[0] == 32440)
        #expect(Int16Converter.convert([.nan, .infinity, 0.25]) == [0, 0, 8192])
        #expect(Int16Converter.convert([]) == [])
    }
}
