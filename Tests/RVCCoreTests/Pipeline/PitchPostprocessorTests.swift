import Foundation
import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

@Suite("Pitch post-processing (E.6)")
struct PitchPostprocessorTests {
    @Test("coarse pitch of the reference f0 equals the reference coarse pitch", arguments: ["v2_48k_f0", "v1_40k_f0"])
    func coarseMatchesReference(name: String) throws {
        let f0 = try NPYArray(contentsOf: Fixtures.parity("\(name)_f0.npy")).doubles()
        let expected = try NPYArray(contentsOf: Fixtures.parity("\(name)_f0_coarse.npy")).doubles().map { Int32($0) }
        let pitch = PitchPostprocessor.inputs(shiftedF0: f0, frames: f0.count)
        #expect(pitch.coarse == expected)
        #expect(pitch.hz == f0.map(Float.init))
        #expect(f0.contains { $0 == 0 } && f0.contains { $0 > 0 }, "fixture should hold voiced and unvoiced frames")
    }

    @Test("the last RMVPE frame is dropped")
    func lastFrameDropped() {
        let pitch = PitchPostprocessor.inputs(shiftedF0: [0, 100, 200, 300], frames: 3)
        #expect(pitch.coarse.count == 3 && pitch.hz == [0, 100, 200])
    }

    @Test("an octave up doubles f0 exactly, reproducing the +12 fixture from the unshifted track")
    func octaveShift() throws {
        let shifted = try NPYArray(contentsOf: Fixtures.parity("v1_40k_f0_f0.npy")).doubles()
        var f0 = shifted.map { $0 / 2 }
        PitchPostprocessor.shift(&f0, semitones: 12)
        #expect(f0 == shifted)
        #expect(PitchPostprocessor.shiftFactor(semitones: 0) == 1)
        #expect(PitchPostprocessor.shiftFactor(semitones: -5) == pow(2.0, -5.0 / 12.0))
    }

    @Test("unvoiced frames map to 1 and the range ends clamp to 1 and 255")
    func coarseMapping() {
        #expect(PitchPostprocessor.coarse(0) == 1)
        #expect(PitchPostprocessor.coarse(50) == 1)
        #expect(PitchPostprocessor.coarse(30) == 1)
        #expect(PitchPostprocessor.coarse(1100) == 255)
        #expect(PitchPostprocessor.coarse(5000) == 255)
        func f0(forMapped value: Double) -> Double {
            let mel = (value - 1) * (PitchPostprocessor.melMax - PitchPostprocessor.melMin) / 254 + PitchPostprocessor.melMin
            return 700 * (exp(mel / 1127) - 1)
        }
        #expect(PitchPostprocessor.coarse(f0(forMapped: 2.4999)) == 2)
        #expect(PitchPostprocessor.coarse(f0(forMapped: 100.7)) == 101)
    }
}
