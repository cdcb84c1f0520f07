import ArgumentParser
import Foundation
import RVCAudio
import RVCBench
import RVCCore

/// `rvc bench`: speed (the default `run`) and numerical parity (`parity`) on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed, start-up time and memory, or check parity against the reference fixtures.",
        subcommands: [BenchRunCommand.self, BenchParityCommand.self, BenchPlotCommand.self],
        defaultSubcommand: BenchRunCommand.self)
}

/// `rvc bench [run]`: full-size random-weight models, synthetic singing, a JSON report.
struct BenchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Measure conversion speed, start-up time and memory with full-size random-weight models.",
        discussion: """
            The first run writes HuBERT base, RMVPE, an RVC v2 48 kHz voice model and a 40 000 × 768 \
            IVF index with random weights into --models (about 550 MB; no network, no Python). Each \
            series converts synthetic singing of one duration at one thread count, end to end: a \
            44.1 kHz stereo MP3 song is decoded, converted and encoded as Ogg Opus 128 kb/s at \
            48 kHz; one warm-up, then --repetitions runs, each output's length checked. The report \
            gives median stage times, the real-time factor of the conversion and the speed of the \
            whole, peak resident memory and, on CUDA, peak GPU memory. The cold start runs \
            `rvc convert` on a 5 s clip in fresh processes and reports process start → models \
            ready. The JSON report goes to stdout (and --report).
            """)

    @Option(help: "Folder of the benchmark models (default: bench-models in $RVC_CACHE_DIR or ~/.cache/rvc-nano).")
    var models: String?

    @Option(help: "Input durations in seconds, comma-separated.")
    var durations: String = "5,20,180"

    @Option(help: "CPU thread counts, comma-separated (default: LibTorch's default).")
    var threads: String?

    @Option(help: "Measured runs per duration and thread count, after a warm-up.")
    var repetitions: Int = 3

    @Option(name: .customLong("cold-runs"), help: "Fresh `rvc convert` processes for the cold start (0 skips it).")
    var coldRuns: Int = 3

    @Option(help: "auto, cpu, cuda or cuda:N.")
    var device: String = "cpu"

    @Option(help: "auto, fp32, fp16 or bf16.")
    var precision: String = "auto"

    @Option(name: .customLong("song-format"), help: "Format of the 44.1 kHz stereo song each series decodes: mp3, wav, flac or ogg.")
    var songFormat: String = "mp3"

    @Flag(name: .customLong("cudnn-benchmark"), help: "Let cuDNN time its convolution algorithms per input shape (CUDA).")
    var cuDNNBenchmark = false

    @Option(help: "Also write the JSON report to this file.")
    var report: String?

    @Option(help: "Also draw the report as an SVG picture into this file (per-stage times and real-time factors).")
    var plot: String?

    @Flag(help: "Print no progress on stderr.")
    var quiet = false

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
        guard coldRuns >= 0 else { throw ValidationError("--cold-runs must be 0 or more, got \(coldRuns)") }
        _ = try parsedDurations()
        _ = try parsedThreads()
        _ = try DeviceArguments.precision(precision, for: try DeviceArguments.device(device))
        _ = try parsedSongFormat()
    }

    func parsedSongFormat() throws -> AudioFormat {
        guard let format = AudioFormat(rawValue: songFormat.lowercased()) else {
            throw ValidationError("--song-format must be mp3, wav, flac or ogg, got '\(songFormat)'")
        }
        return format
    }

    func run() throws {
        let parsedDevice = try DeviceArguments.device(device)
        var configuration = BenchmarkRunner.Configuration()
        configuration.durations = try parsedDurations()
        configuration.threads = try parsedThreads()
        configuration.repetitions = repetitions
        configuration.device = parsedDevice
        configuration.precision = try DeviceArguments.precision(precision, for: parsedDevice)
        configuration.songFormat = try parsedSongFormat()
        if parsedDevice.isCUDA { Torch.cuDNNBenchmark = cuDNNBenchmark }

        let folder = URL(fileURLWithPath: models ?? Self.defaultModelsFolder().path, isDirectory: true)
        let files = BenchmarkModels(folder: folder)
        try files.writeMissing { say("writing \(folder.path)/\($0) (random weights)") }

        var result = try BenchmarkRunner(configuration: configuration).run(models: files) { say($0) }
        if coldRuns > 0 {
            result.coldStart = try coldStart(files: files, folder: folder, configuration: configuration)
        }
        let json = try result.json()
        if let report {
            try Data((json + "\n").utf8).write(to: URL(fileURLWithPath: report), options: .atomic)
        }
        if let plot {
            try Data(BenchmarkPlot(report: result).svg().utf8).write(to: URL(fileURLWithPath: plot), options: .atomic)
        }
        print(json)
    }

    // MARK: Cold start

    /// Runs this executable's `convert` on a 5 s clip `coldRuns` times and takes the medians.
    private func coldStart(
        files: BenchmarkModels, folder: URL, configuration: BenchmarkRunner.Configuration
    ) throws -> BenchmarkReport.ColdStart {
        let seconds = 5.0
        let clip = folder.appendingPathComponent("bench-input-5s.wav")
        let samples = SyntheticVoice(seed: 1).samples(seconds: seconds).map { Int16(max(-32767, min(32767, $0 * 32767))) }
        try AudioEncoder(format: .wav, sampleRate: SyntheticVoice.sampleRate)
            .encode(int16: samples, sampleRate: SyntheticVoice.sampleRate, to: clip)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-bench-\(getpid()).ogg")
        defer { try? FileManager.default.removeItem(at: output) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()

        var ready: [Double] = []
        var command: [Double] = []
        var peaks: [Double] = []
        for run in 1...coldRuns {
            say("cold start \(run)/\(coldRuns): rvc convert of a \(Int(seconds)) s clip")
            let process = Process()
            process.executableURL = executable
            process.arguments = [
                "convert", clip.path, "--model", files.voice.path, "--index", files.index.path,
                "--hubert", files.hubert.path, "--rmvpe", files.rmvpe.path, "--output", output.path,
                "--device", configuration.device.description, "--precision", configuration.precision.rawValue,
                "--json", "--quiet",
            ]
            let pipe = Pipe()
            process.standardOutput = pipe
            let clock = ContinuousClock()
            let start = clock.now
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let elapsed = (clock.now - start).inSeconds
            guard process.terminationStatus == 0 else {
                throw ValidationError("the cold-start `rvc convert` exited with status \(process.terminationStatus)")
            }
            struct Child: Decodable {
                struct Timings: Decodable { let ready: Double }
                let timings: Timings
                let peakResidentBytes: Int64?
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let child = try decoder.decode(Child.self, from: data)
            ready.append(child.timings.ready)
            command.append(elapsed)
            if let peak = child.peakResidentBytes { peaks.append(Double(peak)) }
        }
        return BenchmarkReport.ColdStart(
            inputSeconds: seconds, repetitions: coldRuns, readySeconds: BenchmarkReport.median(ready),
            commandSeconds: BenchmarkReport.median(command), readyAll: ready, commandAll: command,
            peakResidentBytes: peaks.isEmpty ? nil : Int64(BenchmarkReport.median(peaks)))
    }

    // MARK: Parsing

    func parsedDurations() throws -> [Double] {
        let values = durations.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 3600 }) else {
            throw ValidationError("--durations must be comma-separated seconds within 1...3600, got '\(durations)'")
        }
        return values.compactMap { $0 }
    }

    func parsedThreads() throws -> [Int] {
        guard let threads else { return [Torch.threadCount] }
        let values = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 256 }) else {
            throw ValidationError("--threads must be comma-separated counts within 1...256, got '\(threads)'")
        }
        return values.compactMap { $0 }
    }

    private func say(_ message: String) {
        if !quiet { FileHandle.standardError.write(Data("rvc bench: \(message)\n".utf8)) }
    }

    static func defaultModelsFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let root = environment["RVC_CACHE_DIR"], !root.isEmpty {
            return URL(fileURLWithPath: root, isDirectory: true).appendingPathComponent("bench-models")
        }
        return AssetLocations(environment: environment).directory.deletingLastPathComponent()
            .appendingPathComponent("bench-models", isDirectory: true)
    }
}
