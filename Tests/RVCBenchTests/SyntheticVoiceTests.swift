import Foundation
import Testing
import RVCBench
import RVCCore

@Suite("SyntheticVoice")
struct SyntheticVoiceTests {
    @Test("is deterministic, in range, and alternates sung phrases with quiet breaths")
    func phrasesAndBreaths() {
        let a = SyntheticVoice(seed: 4).samples(seconds: 20)
        #expect(a.count == 20 * 16_000)
        #expect(a == SyntheticVoice(seed: 4).samples(seconds: 20))
        #expect(a != SyntheticVoice(seed: 5).samples(seconds: 20))
        let peak = a.map(abs).max() ?? 0
        #expect(peak > 0.2 && peak < 1)
        // 50 ms windows: loud ones (singing) and near-silent ones (breaths) both occur.
        let rms = stride(from: 0, to: a.count - 800, by: 800).map { start in
            (a[start..<(start + 800)].reduce(0) { $0 + Double($1 * $1) } / 800).squareRoot()
        }
        #expect(rms.filter { $0 > 0.05 }.count > rms.count / 2)
        #expect(rms.filter { $0 < 0.005 }.count >= 10)
    }
}
