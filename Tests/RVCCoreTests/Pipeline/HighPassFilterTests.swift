import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

@Suite("High-pass filter (E.4)")
struct HighPassFilterTests {
    @Test("filtfilt output matches the reference's high-passed audio", arguments: ParityCase.staged)
    func matchesReference(name: String) throws {
        let input = try NPYArray(contentsOf: Fixtures.parity("\(name)_input16k.npy")).floats()
        let expected = try NPYArray(contentsOf: Fixtures.parity("\(name)_highpassed.npy")).doubles()
        let output = HighPassFilter.apply(input)
        #expect(output.count == expected.count)
        let relative = ParityMetrics.relativeError(output, reference: expected)
        // The spec reproduces scipy bit for bit; allow only accumulated last-ulp noise.
        #expect(relative <= 1e-12, "relative error \(relative)")
    }

    @Test("the steady-state initial state leaves a constant signal at zero after the transient")
    func constantInputIsRemoved() {
        let output = HighPassFilter.apply([Float](repeating: 0.5, count: 4000))
        // A DC input is the steady state lfilter_zi was solved for, so the output stays near 0 from
        // the first sample (scipy itself leaves 6.8e-9 of rounding noise on this input).
        #expect(output.allSatisfy { abs($0) < 1e-7 })
    }

    @Test("the filter accepts its minimum length of 19 samples")
    func minimumLength() {
        #expect(HighPassFilter.minimumLength == 19)
        let output = HighPassFilter.apply((0..<19).map { Float($0) / 19 })
        #expect(output.count == 19)
        #expect(output.allSatisfy { $0.isFinite })
    }
}
