/// The per-conversion settings of ``VoiceConverter`` (the reference's `infer` arguments).
///
/// Defaults are the reference worker's production values. ``validate(speakerCount:)`` rejects any
/// value outside its range with ``ConversionError/invalidOption(name:value:allowed:)``.
public struct ConversionOptions: Sendable, Equatable, Codable {
    /// Pitch shift in semitones, −24…24 (`f0_up_key`). Ignored by models without pitch.
    public var pitchShift: Int
    /// Weight of the retrieved index features, 0…1 (`index_rate`); 0 skips the index search.
    public var indexRate: Double
    /// Consonant protection, 0…0.5 (`protect`): unvoiced frames keep this share of the retrieved
    /// features' influence; 0.5 turns protection off.
    public var protect: Double
    /// Share of the converted audio's own loudness envelope kept, 0…1 (`rms_mix_rate`); 1 keeps it
    /// unchanged, 0 imposes the input's envelope.
    public var rmsMixRate: Double
    /// Speaker id, 0 ..< the model's speaker count (`sid`).
    public var speaker: Int
    /// Seed for the synthesizer's noise draws; nil draws from a fresh random seed.
    public var seed: UInt64?
    /// Sets every noise draw to zero (reproducible output, the parity fixtures' mode).
    public var deterministic: Bool

    /// Allowed pitch shifts, in semitones.
    public static let pitchShiftRange = -24...24
    /// Allowed index rates.
    public static let indexRateRange = 0.0...1.0
    /// Allowed protect values.
    public static let protectRange = 0.0...0.5
    /// Allowed RMS mix rates.
    public static let rmsMixRateRange = 0.0...1.0

    /// Creates options; every argument defaults to the reference worker's production value.
    public init(
        pitchShift: Int = 0, indexRate: Double = 0.75, protect: Double = 0.33, rmsMixRate: Double = 0.25,
        speaker: Int = 0, seed: UInt64? = nil, deterministic: Bool = false
    ) {
        self.pitchShift = pitchShift
        self.indexRate = indexRate
        self.protect = protect
        self.rmsMixRate = rmsMixRate
        self.speaker = speaker
        self.seed = seed
        self.deterministic = deterministic
    }

    /// Checks every option against its range.
    /// - Parameter speakerCount: the number of speakers of the model the options are meant for.
    /// - Throws: ``ConversionError/invalidOption(name:value:allowed:)`` naming the first bad option.
    public func validate(speakerCount: Int) throws {
        guard Self.pitchShiftRange.contains(pitchShift) else {
            throw ConversionError.invalidOption(name: "pitchShift", value: "\(pitchShift)", allowed: "-24...24 semitones")
        }
        guard indexRate.isFinite, Self.indexRateRange.contains(indexRate) else {
            throw ConversionError.invalidOption(name: "indexRate", value: "\(indexRate)", allowed: "0...1")
        }
        guard protect.isFinite, Self.protectRange.contains(protect) else {
            throw ConversionError.invalidOption(name: "protect", value: "\(protect)", allowed: "0...0.5")
        }
        guard rmsMixRate.isFinite, Self.rmsMixRateRange.contains(rmsMixRate) else {
            throw ConversionError.invalidOption(name: "rmsMixRate", value: "\(rmsMixRate)", allowed: "0...1")
        }
        guard speaker >= 0, speaker < speakerCount else {
            throw ConversionError.invalidOption(
                name: "speaker", value: "\(speaker)", allowed: "0...\(max(speakerCount - 1, 0)) (the model has \(speakerCount) speaker(s))")
        }
    }
}
