import Foundation
import RVCAudio
import RVCCore

/// Times conversions of synthetic singing with the benchmark models: loading, then for every input
/// duration and thread count a warm-up and repeated end-to-end conversions of a song file
/// (decode → 16 kHz → convert → Opus at 48 kHz), reporting median stage times, the real-time
/// factor and the peak memory of each series. Every conversion's length is checked against
/// ``VoiceConverter/outputLength(of:voice:)``.
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
        /// The song file each series decodes: its format and rate (stereo). MP3 at 44.1 kHz, what
        /// users send most.
        public var songFormat: AudioFormat = .mp3
        public var songSampleRate = 44_100
        /// Where song and output files are written (removed afterwards).
        public var scratch = FileManager.default.temporaryDirectory

        public init() {}
    }

    /// A conversion whose output length differs from the one the pipeline promises.
    public struct LengthMismatch: Error, CustomStringConvertible {
        public let inputSeconds: Double
        public let expected: Int
        public let actual: Int
        public var description: String {
            "the \(inputSeconds) s conversion produced \(actual) samples, not the \(expected) its input length gives"
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Loads `models`, then runs every series.
    /// - Parameter log: told what runs next, for a progress display.
    /// - Throws: whatever loading, decoding, converting or encoding throws; ``LengthMismatch``.
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

        let song = c.scratch.appendingPathComponent("rvc-bench-song-\(getpid()).\(c.songFormat.fileExtension)")
        let output = c.scratch.appendingPathComponent("rvc-bench-out-\(getpid()).ogg")
        defer {
            try? FileManager.default.removeItem(at: song)
            try? FileManager.default.removeItem(at: output)
        }
        var runs: [BenchmarkReport.Run] = []
        let previousThreads = Torch.threadCount
        defer { Torch.threadCount = previousThreads }
        for threads in c.threads {
            Torch.threadCount = threads
            log("warm-up, \(threads) thread(s)")
            try writeSong(seconds: 3, seed: 99, to: song)
            _ = try convertSong(song, output: output, converter: converter, voice: voice)
            for duration in c.durations {
                try writeSong(seconds: duration, seed: 1, to: song)
                ProcessMetrics.resetPeakResidentMemory()
                if case .cuda(let ordinal) = c.device { try Torch.resetCUDAPeakMemory(device: ordinal) }
                var results: [SongConversion] = []
                for repetition in 1...max(1, c.repetitions) {
                    log("\(Self.format(duration)) s input, \(threads) thread(s), run \(repetition)/\(max(1, c.repetitions))")
                    results.append(try convertSong(song, output: output, converter: converter, voice: voice))
                }
                var gpu: Torch.CUDAMemoryStatistics?
                if case .cuda(let ordinal) = c.device { gpu = try Torch.cudaMemoryStatistics(device: ordinal) }
                runs.append(Self.run(duration: duration, threads: threads, results: results, gpu: gpu))
            }
        }

        var files: [String: BenchmarkReport.ModelFile] = [:]
        for (name, url) in [("hubert", models.hubert), ("rmvpe", models.rmvpe), ("voice", models.voice), ("index", models.index)] {
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int64) ?? nil
            files[name] = BenchmarkReport.ModelFile(path: url.path, bytes: size ?? 0)
        }
        var deviceName = c.device.description
        if case .cuda(let ordinal) = c.device, let name = try? Torch.cudaDeviceName(device: ordinal) {
            deviceName += " (\(name))"
        }
        let environment = BenchmarkReport.Environment(
            libtorch: Torch.version, cpuCount: ProcessInfo.processInfo.activeProcessorCount,
            device: deviceName, precision: c.precision.rawValue,
            date: ISO8601DateFormatter().string(from: Date()))
        return BenchmarkReport(environment: environment, models: files, loading: loading, runs: runs, coldStart: nil)
    }

    /// One end-to-end conversion: the converter's result and the wall time of each part.
    struct SongConversion {
        let result: ConversionResult
        let decode: Double
        let encode: Double
        let total: Double
    }

    /// Synthetic singing of `seconds` as a stereo song file in the configured format and rate.
    private func writeSong(seconds: Double, seed: UInt64, to url: URL) throws {
        let voice = try AudioBuffer(samples: SyntheticVoice(seed: seed).samples(seconds: seconds), sampleRate: SyntheticVoice.sampleRate)
            .resampled(to: configuration.songSampleRate)
        var stereo = [Float](repeating: 0, count: voice.samples.count * 2)
        for (i, x) in voice.samples.enumerated() {
            stereo[2 * i] = x
            stereo[2 * i + 1] = x
        }
        try AudioEncoder(format: configuration.songFormat, sampleRate: configuration.songSampleRate)
            .encode(AudioBuffer(samples: stereo, sampleRate: configuration.songSampleRate, channels: 2), to: url)
    }

    /// Decode → 16 kHz mono → convert → Ogg Opus 128 kb/s at 48 kHz, as `rvc convert` does.
    private func convertSong(_ song: URL, output: URL, converter: VoiceConverter, voice: VoiceModel) throws -> SongConversion {
        let clock = ContinuousClock()
        let start = clock.now
        let decoded = try AudioDecoder().decode(contentsOf: song, mono: true)
            .resampled(to: PipelineConstants.analysisSampleRate)
        let decodeSeconds = (clock.now - start).inSeconds
        let result = try converter.convert(decoded.samples, voice: voice, options: configuration.options)
        let expected = try converter.outputLength(of: decoded.samples, voice: voice)
        guard result.samples.count == expected else {
            throw LengthMismatch(inputSeconds: decoded.duration, expected: expected, actual: result.samples.count)
        }
        let encodeStart = clock.now
        try AudioEncoder(format: .ogg, sampleRate: 48_000).encode(int16: result.samples, sampleRate: result.sampleRate, to: output)
        let end = clock.now
        return SongConversion(
            result: result, decode: decodeSeconds, encode: (end - encodeStart).inSeconds, total: (end - start).inSeconds)
    }

    private static func run(duration: Double, threads: Int, results: [SongConversion], gpu: Torch.CUDAMemoryStatistics?) -> BenchmarkReport.Run {
        let t = results.map(\.result.timings)
        let median = BenchmarkReport.Stages(
            pitch: BenchmarkReport.median(t.map(\.pitch)), features: BenchmarkReport.median(t.map(\.features)),
            index: BenchmarkReport.median(t.map(\.index)), synthesis: BenchmarkReport.median(t.map(\.synthesis)),
            other: BenchmarkReport.median(t.map(\.other)), total: BenchmarkReport.median(t.map(\.total)))
        let endToEnd = BenchmarkReport.EndToEnd(
            decode: BenchmarkReport.median(results.map(\.decode)), convert: median.total,
            encode: BenchmarkReport.median(results.map(\.encode)), total: BenchmarkReport.median(results.map(\.total)),
            totals: results.map(\.total))
        return BenchmarkReport.Run(
            inputSeconds: duration, threads: threads, repetitions: results.count,
            segments: results.first?.result.segmentCount ?? 0, median: median, totals: t.map(\.total),
            realTimeFactor: median.total / duration, speed: duration / max(median.total, 1e-9),
            endToEnd: endToEnd, endToEndSpeed: duration / max(endToEnd.total, 1e-9),
            outputLengthVerified: true, peakResidentBytes: ProcessMetrics.peakResidentBytes(),
            peakGPUAllocatedBytes: gpu?.peakAllocated, peakGPUReservedBytes: gpu?.peakReserved)
    }

    private static func format(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }
}
