import Foundation

/// The outcome of a ``ParitySuite`` run: every check with its value and its threshold.
public struct ParityReport: Sendable, Codable {
    /// One comparison against a fixture.
    public struct Check: Sendable, Codable {
        /// What was compared, e.g. "hubert_tiny.pt v2 features" or "pipeline v2_48k_f0".
        public var name: String
        /// `relative_error` (max |Δ| / max |reference|, at most the threshold), `snr_db` (at least
        /// the threshold), `voicing` or `pitch_agreement` (shares of frames agreeing, at least the
        /// threshold) or `length` (samples; equal to the threshold).
        public var metric: String
        /// The measured value (JSON has no infinities: an exact match is reported as 999 dB).
        public var value: Double
        public var threshold: Double
        public var passed: Bool
        /// Extra facts, e.g. the precision of each network.
        public var note: String?
    }

    /// The device the networks ran on, e.g. "cuda:0".
    public var device: String
    /// fp32, fp16 or bf16.
    public var precision: String
    public var libtorch: String
    public var checks: [Check]
    /// Seconds the suite took.
    public var seconds: Double

    /// True when every check passed.
    public var passed: Bool

    public init(device: String, precision: String, libtorch: String, checks: [Check], seconds: Double) {
        self.device = device
        self.precision = precision
        self.libtorch = libtorch
        self.checks = checks
        self.seconds = seconds
        passed = checks.allSatisfy(\.passed)
    }

    /// The report as pretty-printed JSON with snake_case keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
