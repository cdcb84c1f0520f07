import RVCTestSupport
import RVCBench
import Testing
@testable import RVCCore

@Suite("Reflect padding (E.5)")
struct ReflectPaddingTests {
    /// NumPy 1.x's iterative `np.pad(mode="reflect")` (`_set_reflect_both` without the
    /// period rounding of NumPy 2), ported independently to check the closed form.
    static func numpyIterativeReflect(_ x: [Int], left: Int, right: Int) -> [Int] {
        var padded = [Int](repeating: 0, count: left) + x + [Int](repeating: 0, count: right)
        var leftPad = left
        var rightPad = right
        while leftPad > 0 || rightPad > 0 {
            let oldLength = padded.count - leftPad - rightPad - 1
            if leftPad > 0 {
                let chunk = min(oldLength, leftPad)
                // padded[left_pad - chunk ..< left_pad] = padded[left_pad + chunk ... left_pad + 1] (reversed)
                for k in 0..<chunk { padded[leftPad - 1 - k] = padded[leftPad + 1 + k] }
                leftPad -= chunk
            }
            if rightPad > 0 {
                let chunk = min(oldLength, rightPad)
                let edge = padded.count - rightPad - 1
                for k in 0..<chunk { padded[edge + 1 + k] = padded[edge - 1 - k] }
                rightPad -= chunk
            }
        }
        return padded
    }

    @Test("padding shorter and longer than the signal equals NumPy's iterative reflection",
          arguments: [(5, 3), (5, 4), (5, 9), (5, 23), (19, 16000), (40, 100), (2, 7)])
    func matchesIterativeReflection(length: Int, pad: Int) {
        let x = Array(0..<length).map { $0 * 7 + 1 }
        #expect(ReflectPadding.pad(x, left: pad, right: pad) == Self.numpyIterativeReflect(x, left: pad, right: pad))
    }

    @Test("asymmetric 80-sample padding mirrors without repeating the edge")
    func smallPad() {
        let x = Array(1...200)
        let padded = ReflectPadding.pad(x, left: 80, right: 80)
        #expect(padded.count == 360)
        #expect(Array(padded.prefix(3)) == [81, 80, 79])
        #expect(padded[79] == 2 && padded[80] == 1)
        #expect(Array(padded.suffix(2)) == [121, 120])
    }

    @Test("the padded high-passed audio is exactly the reference's segment-0 audio",
          arguments: ParityCase.staged)
    func matchesSegmentAudio(name: String) throws {
        let highpassed = try NPYArray(contentsOf: Fixtures.parity("\(name)_highpassed.npy")).doubles()
        let expected = try NPYArray(contentsOf: Fixtures.parity("\(name)_seg0_audio.npy")).doubles()
        let tPad = PipelineConstants.float32.tPad
        let padded = ReflectPadding.pad(highpassed, left: tPad, right: tPad)
        #expect(padded == expected)
    }
}
