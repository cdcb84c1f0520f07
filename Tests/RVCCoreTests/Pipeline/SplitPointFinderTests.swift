import RVCTestSupport
import RVCBench
import Testing
@testable import RVCCore

@Suite("Split points and segment plan (E.5, E.7)")
struct SplitPointFinderTests {
    /// Hann-windowed noise-like test signal with a quiet stretch at `quiet`.
    static func signal(count: Int, quiet: Range<Int>) -> [Double] {
        var state: UInt64 = 12345
        return (0..<count).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let value = Double(Int64(bitPattern: state >> 11) % 1000) / 1000
            return quiet.contains(i) ? value * 1e-4 : value
        }
    }

    @Test("audio that fits in one segment has no split points")
    func shortAudioNotSplit() {
        let c = PipelineConstants.float32
        #expect(SplitPointFinder.splitPoints([Double](repeating: 0.1, count: c.tMax - 160), constants: c).isEmpty)
        #expect(SplitPointFinder.splitPoints([Double](repeating: 0.1, count: c.tMax - 159), constants: c).count == 1)
    }

    @Test("the split lands in the quietest 160-sample window near t_center")
    func splitInQuietStretch() {
        let c = PipelineConstants.float32
        let quiet = (c.tCenter + 30000)..<(c.tCenter + 30400)
        let audio = Self.signal(count: 700_000, quiet: quiet)
        let points = SplitPointFinder.splitPoints(audio, constants: c)
        #expect(points.count == 1)
        // Window n covers samples n−80 … n+79: fully quiet for n in quiet.lower+80 ... quiet.upper−80.
        let point = try! #require(points.first)
        #expect(point >= quiet.lowerBound + 80 && point <= quiet.upperBound - 80)
    }

    @Test("ties resolve to the first minimum")
    func firstMinimumWins() {
        let c = PipelineConstants.float32
        var audio = [Double](repeating: 0.5, count: 700_000)
        for i in (c.tCenter - 50000)..<(c.tCenter + 50000) { audio[i] = 0 }
        let points = SplitPointFinder.splitPoints(audio, constants: c)
        // Window sums are exactly 0 from (t_center − 50000 + 80) on; that is the first minimum.
        #expect(points == [c.tCenter - 50000 + 80])
    }

    @Test("split points equal a direct window-sum search on the long fixture")
    func longFixtureSplit() throws {
        let c = PipelineConstants.float32
        let input = try NPYArray(contentsOf: Fixtures.parity("v2_48k_long_input16k.npy")).floats()
        let audio = HighPassFilter.apply(input)
        let points = SplitPointFinder.splitPoints(audio, constants: c)
        #expect(points.count == 1)
        // Independent check: sum each window directly (i inner) and search for the first minimum.
        let n = audio.count
        let t = c.tCenter
        var best = -1
        var bestSum = Double.infinity
        for j in (t - c.tQuery)..<min(t + c.tQuery, n) {
            var s = 0.0
            for i in 0..<160 { s += abs(audio[ReflectPadding.sourceIndex(j - 80 + i, count: n)]) }
            if s < bestSum { bestSum = s; best = j }
        }
        #expect(points == [best])
    }

    @Test("segment lengths reproduce every reference output length", arguments: try! ParityCase.all())
    func outputLengths(parity: ParityCase) throws {
        let c = PipelineConstants.float32
        let input = try parity.array("input16k").floats()
        let audio = HighPassFilter.apply(input)
        let points = SplitPointFinder.splitPoints(audio, constants: c)
        let padded = audio.count + 2 * c.tPad
        let plan = SegmentPlan(splitPoints: points, paddedLength: padded, pitchFrames: padded / 160, constants: c)
        #expect(plan.segments.count == parity.segments)
        let upp = parity.sampleRate / 100
        let total = plan.segments.reduce(0) { sum, segment in
            let frames = 2 * ((segment.audio.count - 400) / 320 + 1)
            return sum + frames * upp - 2 * c.tPadTarget(sampleRate: parity.sampleRate)
        }
        let expected = try parity.array("output").count
        #expect(total == expected)
    }

    @Test("segments overlap by the padding and tile the pitch frames")
    func planShape() {
        let c = PipelineConstants.float32
        let plan = SegmentPlan(splitPoints: [608_123, 1_216_555], paddedLength: 1_800_000, pitchFrames: 11_250, constants: c)
        #expect(plan.segments.map(\.audio) == [0..<(608_000 + 32_000 + 160), 608_000..<(1_216_480 + 32_160), 1_216_480..<1_800_000])
        #expect(plan.segments.map(\.pitch) == [0..<4_000, 3_800..<7_803, 7_603..<11_250])
    }
}
