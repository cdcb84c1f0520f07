import Foundation
import RVCCore

/// Times conversions of synthetic singing with the benchmark models: loading, then for every input
/// duration and thread count a warm-up and repeated conversions, reporting median stage times, the
/// real-time factor and the peak memory of each series.
public struct BenchmarkRunner: Sendable {
    /// What to measure.
    public struct Configuration: Sendable {
        /// Input durations in seconds.
        public var durations: [Double] = [5, 20, 180]
        /// CPU thread counts (intra-op threads).
        public var threads: [Int] = [Torch.threadCount]
        /// Measured conversions per duration and thread count (after one warm-up per thread count).
        public var repetitions: Int = 3
        public var device: Device = .cpu
        public var precision: ComputePrecision = .float32
        /// The conversion options (defaults of `rvc convert`, pitch on, index rate 0.75).
        public var options = ConversionOptions()

        public init() {}
    }

    public var configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Loads `models`, then runs every series.
    /// - Parameter log: told what runs next, for a progress display.
    /// - Throws: whatever loading or converting throws.
    public func run(models: BenchmarkModels, log: (String) -> Void = { _ in }) throws -> BenchmarkReport {
        let c = configuration
        let clock = ContinuousClock()
        var start = clock.now
        let converter = try VoiceConverter.load(
            hubert: models.hubert, rmvpe: models.rmvpe, device: c.device, precision: c.precision)
        let converterSeconds = (clock.now - start).inSeconds
        start = clock.now
        let voice = try VoiceModel.load(model: models.voice, index: models.index, device: c.device, precision: c.precision)
        let loading = BenchmarkReport.Loading(
            hubertAndRMVPESeconds: converterSeconds, voiceSeconds: (clock.now - start).inSeconds,
            residentBytes: ProcessMetrics.residentBytes())

        var runs: [BenchmarkReport.Run] = []
        let previousThreads = Torch.threadCount
        defer { Torch.threadCount = previousThreads }
        for threads in c.threads {
            Torch.threadCount = threads
            log("warm-up, \(threads) thread(s)")
            _ = try converter.convert(SyntheticVoice(seed: 99).samples(seconds: 3), voice: voice, options: c.options)
            for duration in c.durations {
                let input = SyntheticVoice(seed: 1).samples(seconds: duration)
                ProcessMetrics.resetPeakResidentMemory()
                var results: [ConversionResult] = []
                for repetition in 1...max(1, c.repetitions) {
                    log("\(Self.format(duration)) s input, \(threads) thread(s), run \(repetition)/\(max(1, c.repetitions))")
                    results.append(try converter.convert(input, voice: voice, options: c.options))
                }
                let t = results.map(\.timings)
                let median = BenchmarkReport.Stages(
                    pitch: BenchmarkReport.median(t.map(\.pitch)), features: BenchmarkReport.median(t.map(\.features)),
                    index: BenchmarkReport.median(t.map(\.index)), synthesis: BenchmarkReport.median(t.map(\.synthesis)),
                    other: BenchmarkReport.median(t.map(\.other)), total: BenchmarkReport.median(t.map(\.total)))
                runs.append(BenchmarkReport.Run(
                    inputSeconds: duration, threads: threads, repetitions: results.count,
                    segments: results.first?.segmentCount ?? 0, median: median, totals: t.map(\.total),
                    realTimeFactor: median.total / duration, speed: duration / max(median.total, 1e-9),
                    peakResidentBytes: ProcessMetrics.peakResidentBytes()))
            }
        }

        var files: [String: BenchmarkReport.ModelFile] = [:]
        for (name, url) in [("hubert", models.hubert), ("rmvpe", models.rmvpe), ("voice", models.voice), ("index", models.index)] {
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int64) ?? nil
            files[name] = BenchmarkReport.ModelFile(path: url.path, bytes: size ?? 0)
        }
        let environment = BenchmarkReport.Environment(
            libtorch: Torch.version, cpuCount: ProcessInfo.processInfo.activeProcessorCount,
            device: c.device.description, precision: c.precision.rawValue,
            date: ISO8601DateFormatter().string(from: Date()))
        return BenchmarkReport(environment: environment, models: files, loading: loading, runs: runs, coldStart: nil)
    }

    private static func format(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }
}
