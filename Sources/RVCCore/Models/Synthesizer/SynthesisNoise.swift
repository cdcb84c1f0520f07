/// Where the synthesizer's random draws come from (reference-inference.md D.9).
public enum SynthesisNoise: Sendable {
    /// Deterministic: every draw (prior noise, sine-source noise) is zero, as in the parity fixtures.
    /// Two runs on the same input give bit-identical audio.
    case none
    /// Draws from `generator` in the reference's order (prior noise, the zeroed `rand_ini`, the
    /// source noise). A generator seeded the same way reproduces the same audio.
    case random(Generator)
}
