import Foundation
import RVCCore

/// What `rvc bench` measured, encoded as JSON (snake_case keys, seconds and bytes).
public struct BenchmarkReport: Sendable, Codable {
    /// Where and how the benchmark ran.
    public struct Environment: Sendable, Codable {
        public var libtorch: String
        public var cpuCount: Int
        public var device: String
        public var precision: String
        public var date: String
    }

    /// One model file.
    public struct ModelFile: Sendable, Codable {
        public var path: String
        public var bytes: Int64
    }

    /// Loading the models in this process.
    public struct Loading: Sendable, Codable {
        /// HuBERT and RMVPE, read and prepared.
        public var hubertAndRMVPESeconds: Double
        /// The voice model and its index.
        public var voiceSeconds: Double
        /// Resident memory once everything is loaded.
        public var residentBytes: Int64?
    }

    /// Medians of one stage breakdown, in seconds.
    public struct Stages: Sendable, Codable {
        public var pitch: Double
        public var features: Double
        public var index: Double
        public var synthesis: Double
        public var other: Double
        public var total: Double
    }

    /// Medians of one end-to-end conversion of a song file, in seconds.
    public struct EndToEnd: Sendable, Codable {
        /// Decoding the song and resampling it to 16 kHz mono.
        public var decode: Double
        /// The conversion (``Stages/total``).
        public var convert: Double
        /// Resampling to 48 kHz and encoding Ogg Opus 128 kb/s.
        public var encode: Double
        /// All of it.
        public var total: Double
        /// Every repetition's total, in order.
        public var totals: [Double]
    }

    /// Repeated conversions of one input duration at one thread count.
    public struct Run: Sendable, Codable {
        public var inputSeconds: Double
        public var threads: Int
        public var repetitions: Int
        public var segments: Int
        /// Median per-stage wall times.
        public var median: Stages
        /// Every repetition's total, in order.
        public var totals: [Double]
        /// Median total ÷ input duration (below 1 is faster than real time).
        public var realTimeFactor: Double
        /// Input duration ÷ median total.
        public var speed: Double
        /// The same conversions from song file to Ogg Opus file.
        public var endToEnd: EndToEnd
        /// Input duration ÷ median end-to-end total (300 means 300× real time).
        public var endToEndSpeed: Double
        /// Every output had exactly the length its input promises.
        public var outputLengthVerified: Bool
        /// Peak resident memory during these repetitions (counted from just before them).
        public var peakResidentBytes: Int64?
        /// Peak bytes in CUDA tensors during these repetitions (`max_memory_allocated`; nil on the CPU).
        public var peakGPUAllocatedBytes: UInt64?
        /// Peak bytes the CUDA caching allocator held (`max_memory_reserved`; nil on the CPU).
        public var peakGPUReservedBytes: UInt64?
    }

    /// `rvc convert` of a short clip in a fresh process, from process start.
    public struct ColdStart: Sendable, Codable {
        public var inputSeconds: Double
        public var repetitions: Int
        /// Median process start → HuBERT, RMVPE and the voice model loaded.
        public var readySeconds: Double
        /// Median process start → output written (the whole command, as measured by the parent).
        public var commandSeconds: Double
        /// Every repetition's ready time.
        public var readyAll: [Double]
        /// Every repetition's command time.
        public var commandAll: [Double]
        /// The child's peak resident memory (median).
        public var peakResidentBytes: Int64?

        public init(
            inputSeconds: Double, repetitions: Int, readySeconds: Double, commandSeconds: Double, readyAll: [Double],
            commandAll: [Double], peakResidentBytes: Int64?
        ) {
            self.inputSeconds = inputSeconds
            self.repetitions = repetitions
            self.readySeconds = readySeconds
            self.commandSeconds = commandSeconds
            self.readyAll = readyAll
            self.commandAll = commandAll
            self.peakResidentBytes = peakResidentBytes
        }
    }

    public var environment: Environment
    public var models: [String: ModelFile]
    public var loading: Loading
    public var runs: [Run]
    public var coldStart: ColdStart?

    public init(environment: Environment, models: [String: ModelFile], loading: Loading, runs: [Run], coldStart: ColdStart?) {
        self.environment = environment
        self.models = models
        self.loading = loading
        self.runs = runs
        self.coldStart = coldStart
    }

    /// Reads a report written by ``json()``.
    /// - Throws: `DecodingError` when `data` is not such a report.
    public init(json data: Data) throws {
        let decoder = JSONDecoder()
        // The inverse of convertToSnakeCase for this report's keys, acronyms included.
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            let parts = key.split(separator: "_")
            var camel = parts.first.map(String.init) ?? ""
            for part in parts.dropFirst() {
                let word = String(part)
                camel += ["gpu", "rmvpe"].contains(word) ? word.uppercased() : word.prefix(1).uppercased() + word.dropFirst()
            }
            return AnyKey(camel)
        }
        self = try decoder.decode(BenchmarkReport.self, from: data)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Pretty, key-sorted JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The median of `values` (0 for none).
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
