import Testing
@testable import RVCCore

@Suite("Linear resize, one sample at a time, as LibTorch's interpolate(mode: linear)")
struct LinearResizeTests {
    /// Envelope-like values (positive, varying), `count` of them.
    private func signal(_ count: Int) -> [Double] {
        (0..<count).map { 0.05 + 0.04 * Double(($0 * 7919) % 101) / 101 }
    }

    @Test("float64 equals LibTorch's kernel bit for bit", arguments: [(6, 96_000), (2, 7), (41, 1_985_213), (9, 9), (1_201, 28_800_000 / 64)])
    func doubleMatchesLibTorch(inputCount: Int, outputCount: Int) throws {
        let values = signal(inputCount)
        let expected = try Tensor(values, shape: [1, 1, inputCount]).interpolate1d(mode: .linear, size: outputCount)
            .reshape([outputCount]).toArray(Double.self)
        let resize = LinearResize<Double>(from: inputCount, to: outputCount)
        let differing = (0..<outputCount).filter { resize.value(at: $0, in: values) != expected[$0] }
        #expect(differing.isEmpty, "\(differing.count) samples differ, the first at \(differing.first ?? -1)")
    }

    @Test("float32 equals LibTorch's kernel bit for bit, also past 2^24 output samples (positions coarser than a sample)",
          arguments: [(6, 96_000), (41, 1_985_213), (1_201, 28_800_000)])
    func floatMatchesLibTorch(inputCount: Int, outputCount: Int) throws {
        let values = signal(inputCount).map(Float.init)
        let expected = try Tensor(values, shape: [1, 1, inputCount]).interpolate1d(mode: .linear, size: outputCount)
            .reshape([outputCount]).toArray(Float.self)
        let resize = LinearResize<Float>(from: inputCount, to: outputCount)
        let differing = (0..<outputCount).filter { resize.value(at: $0, in: values) != expected[$0] }
        #expect(differing.isEmpty, "\(differing.count) samples differ, the first at \(differing.first ?? -1)")
    }

    @Test("equal lengths copy; the ends repeat the first and last samples")
    func edges() {
        let values: [Float] = [1, 3, 5]
        let same = LinearResize<Float>(from: 3, to: 3)
        #expect((0..<3).map { same.value(at: $0, in: values) } == values)
        let up = LinearResize<Float>(from: 3, to: 12)
        #expect(up.value(at: 0, in: values) == 1)
        #expect(up.value(at: 11, in: values) == 5)
        // Output 6 sits at source (6 + ½)·¼ − ½ = 1.125: 3 · 0.875 + 5 · 0.125.
        #expect(up.value(at: 6, in: values) == 3.25)
    }
}
