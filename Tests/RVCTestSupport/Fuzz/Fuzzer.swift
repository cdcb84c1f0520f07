import Foundation
import RVCBasics

/// Runs one fuzz target: feeds a reader the inputs of a ``FuzzMutator``, times each one, and sorts
/// the outcomes into accepted, refused with the reader's typed error, and failures (an error of
/// another type, or an input slower than the bound). A crash ends the process, so a finished run
/// has none.
///
/// The test suites run a fixed-seed sample (``Configuration/ciIterations`` inputs per reader);
/// `Scripts/fuzz` runs the same targets at length through the environment:
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `RVC_FUZZ_ITERATIONS` | 2000 | inputs per reader |
/// | `RVC_FUZZ_SEED` | 1 | mixed into each reader's own seed |
/// | `RVC_FUZZ_MAX_INPUT_SECONDS` | 5 | slowest input allowed (a loaded debug build meets 5 s; the script uses 1 s) |
/// | `RVC_FUZZ_TIME_LIMIT` | none | seconds per reader; a run still going then stops and fails |
/// | `RVC_FUZZ_REPORT` | none | file the report of each reader is appended to, one JSON line each |
/// | `RVC_FUZZ_ARTIFACTS` | none | folder the failing and the slowest inputs are written to (with a `.label` file naming the seed) |
/// | `RVC_FUZZ_REPLAY` | none | one saved input to run instead of the mutations, `RVC_FUZZ_REPLAY_LABEL` naming its seed |
public enum Fuzzer {
    /// How many inputs, from which seed, within which bounds.
    public struct Configuration: Sendable {
        /// The sample size of the test suites.
        public static let ciIterations = 2_000

        public var iterations: Int
        public var seed: UInt64
        /// An input taking longer than this fails the run.
        public var maxInputSeconds: Double
        /// Seconds for the whole reader; nil for no limit.
        public var timeLimitSeconds: Double?
        public var reportPath: String?
        public var artifactsPath: String?
        /// A saved input to run (``iterations`` times) instead of the mutations, and its seed's label.
        public var replayPath: String?
        public var replayLabel: String?

        /// The configuration from the environment (see ``Fuzzer``), with the given defaults.
        public static func fromEnvironment(
            iterations: Int = ciIterations, maxInputSeconds: Double = 5,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) -> Configuration {
            Configuration(
                iterations: environment["RVC_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? iterations,
                seed: environment["RVC_FUZZ_SEED"].flatMap { UInt64($0) } ?? 1,
                maxInputSeconds: environment["RVC_FUZZ_MAX_INPUT_SECONDS"].flatMap { Double($0) } ?? maxInputSeconds,
                timeLimitSeconds: environment["RVC_FUZZ_TIME_LIMIT"].flatMap { Double($0) },
                reportPath: environment["RVC_FUZZ_REPORT"].flatMap { $0.isEmpty ? nil : $0 },
                artifactsPath: environment["RVC_FUZZ_ARTIFACTS"].flatMap { $0.isEmpty ? nil : $0 },
                replayPath: environment["RVC_FUZZ_REPLAY"].flatMap { $0.isEmpty ? nil : $0 },
                replayLabel: environment["RVC_FUZZ_REPLAY_LABEL"])
        }
    }

    /// What one reader did with its inputs.
    public struct Report: Sendable, Codable, CustomStringConvertible {
        public var reader: String
        public var inputs = 0
        /// Inputs the reader accepted.
        public var accepted = 0
        /// Inputs refused with one of the reader's typed errors.
        public var refused = 0
        /// Refusals by error type and case (`CheckpointError.forbiddenGlobal`).
        public var refusals: [String: Int] = [:]
        /// Inputs that failed with an error of another type.
        public var untyped = 0
        /// Inputs slower than the bound.
        public var slow = 0
        /// The first few failures, described.
        public var failures: [String] = []
        public var slowestSeconds = 0.0
        /// The seed label and input number of the slowest input.
        public var slowestInput = ""
        public var elapsedSeconds = 0.0
        /// The run hit its time limit before the last input.
        public var timedOut = false
        public var iterationsRequested = 0
        public var maxInputSeconds = 0.0
        /// The run repeated one saved input (`RVC_FUZZ_REPLAY`) instead of mutating the seeds.
        public var replayed = false

        /// Inputs were both accepted and refused, as a run over mutations should see (a replay of
        /// one input has one outcome).
        public var mixedOutcomes: Bool { replayed || (accepted > 0 && refused > 0) }

        /// Everything that makes the run a failure; empty for a clean run.
        public var problems: [String] {
            var problems: [String] = []
            if untyped > 0 { problems.append("\(untyped) inputs failed with an untyped error") }
            if slow > 0 { problems.append("\(slow) inputs took over \(maxInputSeconds) s") }
            if timedOut { problems.append("time limit reached after \(inputs) of \(iterationsRequested) inputs") }
            if inputs < iterationsRequested && !timedOut { problems.append("only \(inputs) inputs ran") }
            return problems + failures
        }

        public var description: String {
            "\(reader): \(inputs) inputs, \(accepted) accepted, \(refused) refused, \(untyped) untyped, \(slow) slow, "
                + "slowest \(String(format: "%.4f", slowestSeconds)) s (\(slowestInput)), "
                + "\(String(format: "%.1f", elapsedSeconds)) s in all; refusals \(refusals.sorted { $0.key < $1.key })"
        }
    }

    /// Runs `body` on the inputs of a mutator over `seeds` and reports the outcomes.
    /// - Parameters:
    ///   - reader: the reader's name, also salting the seed so readers draw different inputs.
    ///   - structural: a format-aware mutation for half the inputs (see ``FuzzMutator/Structural``).
    ///   - isTyped: whether an error is one the reader is meant to throw for bad input.
    ///   - body: reads one input (`label` names the seed it came from); returns normally when it
    ///     accepted the input, throws when it refused it.
    public static func run(
        reader: String, seeds: [FuzzMutator.Seed], configuration: Configuration = .fromEnvironment(),
        structural: FuzzMutator.Structural? = nil,
        isTyped: (any Error) -> Bool, body: (_ label: String, _ bytes: [UInt8]) throws -> Void
    ) -> Report {
        var salt: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of the reader's name
        for byte in reader.utf8 { salt = (salt ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var mutator = FuzzMutator(seeds: seeds, seed: configuration.seed ^ salt, structural: structural)
        var report = Report(reader: reader)
        report.iterationsRequested = configuration.iterations
        report.maxInputSeconds = configuration.maxInputSeconds
        report.replayed = configuration.replayPath != nil
        let replay = configuration.replayPath.map { [UInt8](FileManager.default.contents(atPath: $0) ?? Data()) }
        let start = ContinuousClock.now
        var slowestBytes: [UInt8] = []
        var slowestLabel = ""
        for index in 0..<configuration.iterations {
            if let limit = configuration.timeLimitSeconds, (ContinuousClock.now - start).inSeconds > limit {
                report.timedOut = true
                break
            }
            let (label, bytes) = replay.map { (configuration.replayLabel ?? seeds[0].label, $0) } ?? mutator.next()
            let name = "\(label) #\(index)"
            let began = ContinuousClock.now
            var failure: String?
            do {
                try body(label, bytes)
                report.accepted += 1
            } catch {
                if isTyped(error) {
                    report.refused += 1
                    report.refusals[category(error), default: 0] += 1
                } else {
                    report.untyped += 1
                    failure = "\(name): untyped \(type(of: error)): \(error)"
                }
            }
            let seconds = (ContinuousClock.now - began).inSeconds
            if seconds > report.slowestSeconds {
                report.slowestSeconds = seconds
                report.slowestInput = name
                slowestBytes = bytes
                slowestLabel = label
            }
            if seconds > configuration.maxInputSeconds {
                report.slow += 1
                failure = (failure.map { $0 + "; " } ?? "") + "\(name): took \(seconds) s"
            }
            if let failure {
                if report.failures.count < 10 { report.failures.append(failure) }
                save(bytes, label: label, "\(reader)-\(index)-failed", configuration)
            }
            report.inputs += 1
        }
        report.elapsedSeconds = (ContinuousClock.now - start).inSeconds
        if replay == nil { save(slowestBytes, label: slowestLabel, "\(reader)-slowest", configuration) }
        if let path = configuration.reportPath { append(report, to: path) }
        return report
    }

    /// `Type.case` of an error enum (the case of one without associated values is its description).
    static func category(_ error: any Error) -> String {
        let name = Mirror(reflecting: error).children.first?.label ?? String(describing: error).prefix(40).description
        return "\(type(of: error)).\(name)"
    }

    private static func save(_ bytes: [UInt8], label: String, _ name: String, _ configuration: Configuration) {
        guard let folder = configuration.artifactsPath else { return }
        let url = URL(fileURLWithPath: folder)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try? Data(bytes).write(to: url.appendingPathComponent(name))
        try? Data(label.utf8).write(to: url.appendingPathComponent(name + ".label"))
    }

    private static func append(_ report: Report, to path: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(report) else { return }
        line.append(0x0A)
        if let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: line)
        } else {
            try? line.write(to: URL(fileURLWithPath: path))
        }
    }
}
