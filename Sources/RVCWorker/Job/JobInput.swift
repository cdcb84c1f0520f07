import RVCAudio

/// The validated `input` of one conversion job: the public API of the worker.
///
/// Parsing is strict: unknown fields, wrong JSON types and out-of-range values are rejected with a
/// ``JobInputError`` naming the field, before anything is downloaded. Booleans are never numbers.
/// Integer fields accept a JSON number with no fractional part written as a float (`3.0`), because
/// many clients (Python, JavaScript) cannot tell the two apart; `3.5` is refused.
public struct JobInput: Sendable, Equatable {
    /// The voice to convert: an `http(s)` URL or a `data:audio/...;base64,` URL.
    public var vocalURL: String
    /// The RVC model checkpoint (`.pth`): an `http(s)` URL.
    public var modelURL: String
    /// The retrieval index (`.index`): an `http(s)` URL, or nil for no index.
    public var indexURL: String?
    /// Pitch shift in semitones, −24…24. Default 0.
    public var f0UpKey: Int = 0
    /// Weight of the retrieved index features, 0…1. Default 0.75.
    public var indexRate: Double = 0.75
    /// Consonant protection, 0…0.5 (0.5 disables it). Default 0.33.
    public var protect: Double = 0.33
    /// Mix of the input's loudness envelope into the output, 0…1. Default 0.25.
    public var rmsMixRate: Double = 0.25
    /// Speaker embedding index of multi-speaker models, ≥ 0. Default 0.
    public var speakerID: Int = 0
    /// Output container. Default Ogg Opus.
    public var format: AudioFormat = .ogg
    /// Output bitrate in bits per second for lossy formats. Default 128 000.
    public var bitrate: Int = 128_000
    /// Output sample rate in Hz. Default 48 000.
    public var sampleRate: Int = 48_000
    /// Opaque caller value echoed in the response, at most 256 characters.
    public var tag: String?

    /// Every field name the schema accepts.
    public static let fieldNames: Set<String> = [
        "vocal_url", "model_url", "index_url", "f0_up_key", "index_rate", "protect", "rms_mix_rate",
        "speaker_id", "format", "bitrate", "sample_rate", "tag",
    ]
    /// Allowed pitch shift in semitones (reference UI limit).
    public static let f0UpKeyRange = -24...24
    public static let maxTagLength = 256
    /// Allowed `sample_rate` values for WAV and FLAC.
    public static let losslessSampleRates = 8_000...192_000
    /// Opus bitrate limits of libopus, in bits per second.
    public static let opusBitrates = 6_000...510_000
    /// MPEG-1/2 Layer III bitrate limits, in bits per second.
    public static let mp3Bitrates = 8_000...320_000

    /// Memberwise creation with the defaults of the schema.
    public init(vocalURL: String, modelURL: String, indexURL: String? = nil) {
        self.vocalURL = vocalURL
        self.modelURL = modelURL
        self.indexURL = indexURL
    }

    /// Validates a job's `input` value.
    /// - Throws: ``JobInputError`` for the first problem found (unknown fields first, then the
    ///   fields in table order).
    public init(json: JSONValue?) throws(JobInputError) {
        guard let json else { throw .notAnObject(found: "missing") }
        guard let fields = json.objectValue else { throw .notAnObject(found: json.typeName) }
        if let unknown = fields.keys.filter({ !Self.fieldNames.contains($0) }).sorted().first {
            throw .unknownField(unknown)
        }
        let reader = FieldReader(fields: fields)

        vocalURL = try reader.requiredString("vocal_url")
        try Self.checkURL(vocalURL, field: "vocal_url", allowAudioDataURL: true)
        modelURL = try reader.requiredString("model_url")
        try Self.checkURL(modelURL, field: "model_url", allowAudioDataURL: false)
        indexURL = try reader.optionalString("index_url")
        if let indexURL { try Self.checkURL(indexURL, field: "index_url", allowAudioDataURL: false) }

        f0UpKey = try reader.int("f0_up_key", default: 0, in: Self.f0UpKeyRange)
        indexRate = try reader.double("index_rate", default: 0.75, in: 0...1)
        protect = try reader.double("protect", default: 0.33, in: 0...0.5)
        rmsMixRate = try reader.double("rms_mix_rate", default: 0.25, in: 0...1)
        speakerID = try reader.int("speaker_id", default: 0, in: 0...Int(Int32.max))

        let formatName = try reader.optionalString("format") ?? AudioFormat.ogg.rawValue
        guard let format = AudioFormat(rawValue: formatName) else {
            throw .outOfRange(
                field: "format", value: "'\(formatName)'",
                allowed: AudioFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.format = format

        if let text = try reader.optionalString("bitrate") {
            let limits: ClosedRange<Int>
            switch format {
            case .ogg: limits = Self.opusBitrates
            case .mp3: limits = Self.mp3Bitrates
            case .wav, .flac:
                throw .invalidValue(
                    field: "bitrate", reason: "applies only to lossy formats (ogg, mp3), not \(format.rawValue)")
            }
            guard let value = Self.parseBitrate(text) else {
                throw .invalidValue(field: "bitrate", reason: "must look like '128k' (kilobits per second), not '\(text)'")
            }
            guard limits.contains(value) else {
                throw .outOfRange(
                    field: "bitrate", value: text,
                    allowed: "\(limits.lowerBound / 1000)k...\(limits.upperBound / 1000)k for \(format.rawValue)")
            }
            bitrate = value
        }

        sampleRate = try reader.int("sample_rate", default: 48_000, in: 1...Int(Int32.max))
        if let allowed = format.supportedSampleRates {
            guard allowed.contains(sampleRate) else {
                throw .outOfRange(
                    field: "sample_rate", value: String(sampleRate),
                    allowed: allowed.map(String.init).joined(separator: ", ") + " for \(format.rawValue)")
            }
        } else if !Self.losslessSampleRates.contains(sampleRate) {
            throw .outOfRange(
                field: "sample_rate", value: String(sampleRate),
                allowed: "\(Self.losslessSampleRates.lowerBound)...\(Self.losslessSampleRates.upperBound)")
        }

        tag = try reader.optionalString("tag")
        if let tag, tag.count > Self.maxTagLength {
            throw .invalidValue(field: "tag", reason: "is \(tag.count) characters long; at most \(Self.maxTagLength) are allowed")
        }
    }

    /// "128k" → 128 000; nil for anything else.
    static func parseBitrate(_ text: String) -> Int? {
        guard text.count >= 2, text.count <= 5, text.last == "k" || text.last == "K",
              let kilobits = Int(text.dropLast()), kilobits > 0
        else { return nil }
        return kilobits * 1000
    }

    /// Accepts `http://` and `https://` URLs with a host, and (when allowed) `data:audio/...;base64,`.
    static func checkURL(_ url: String, field: String, allowAudioDataURL: Bool) throws(JobInputError) {
        let lower = url.prefix(16).lowercased()
        if lower.hasPrefix("data:") {
            guard allowAudioDataURL else {
                throw .invalidValue(field: field, reason: "must be an http(s) URL; data: URLs are only accepted for vocal_url")
            }
            guard lower.hasPrefix("data:audio/"), let comma = url.firstIndex(of: ","),
                  url[..<comma].lowercased().hasSuffix(";base64")
            else {
                throw .invalidValue(field: field, reason: "must be a data:audio/...;base64, URL")
            }
            return
        }
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else {
            throw .invalidValue(
                field: field,
                reason: allowAudioDataURL
                    ? "must be an http(s) URL or a data:audio/...;base64, URL"
                    : "must be an http(s) URL")
        }
        guard let first = rest.first, first != "/", first != "?", first != "#" else {
            throw .invalidValue(field: field, reason: "has no host")
        }
        guard !url.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw .invalidValue(field: field, reason: "contains whitespace")
        }
    }
}

/// Typed access to the members of the `input` object, with the schema's error messages.
private struct FieldReader {
    let fields: [String: JSONValue]

    func requiredString(_ name: String) throws(JobInputError) -> String {
        guard let value = try optionalString(name) else { throw .missingField(name) }
        guard !value.isEmpty else { throw .invalidValue(field: name, reason: "is empty") }
        return value
    }

    func optionalString(_ name: String) throws(JobInputError) -> String? {
        switch fields[name] {
        case nil, .null: return nil
        case .string(let value): return value
        case let other?: throw .wrongType(field: name, expected: "a string", found: other.typeName)
        }
    }

    func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(JobInputError) -> Int {
        let number: Int
        switch fields[name] {
        case nil, .null: return value
        case .int(let given):
            guard let exact = Int(exactly: given) else {
                throw .outOfRange(field: name, value: String(given), allowed: "\(range.lowerBound)...\(range.upperBound)")
            }
            number = exact
        case .double(let given):
            guard given.rounded() == given, let exact = Int(exactly: given) else {
                throw .wrongType(field: name, expected: "an integer", found: "\(given)")
            }
            number = exact
        case let other?:
            throw .wrongType(field: name, expected: "an integer", found: other.typeName)
        }
        guard range.contains(number) else {
            throw .outOfRange(field: name, value: String(number), allowed: "\(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func double(_ name: String, default value: Double, in range: ClosedRange<Double>) throws(JobInputError) -> Double {
        let number: Double
        switch fields[name] {
        case nil, .null: return value
        case .int(let given): number = Double(given)
        case .double(let given): number = given
        case let other?: throw .wrongType(field: name, expected: "a number", found: other.typeName)
        }
        guard range.contains(number) else {
            throw .outOfRange(field: name, value: "\(number)", allowed: "\(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }
}
