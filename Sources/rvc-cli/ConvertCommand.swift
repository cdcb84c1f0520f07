import ArgumentParser
import Foundation
import RVCAudio
import RVCCore

#if canImport(Glibc)
import Glibc
#endif

/// `rvc convert`: converts one audio file with a voice model.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a voice recording into the voice of an RVC model.",
        discussion: """
            HuBERT and RMVPE are read from --hubert/--rmvpe, by default hubert_base.pt and rmvpe.pt in \
            $RVC_ASSETS (default ${XDG_CACHE_HOME:-~/.cache}/rvc-nano/assets). The input may be any file \
            rvc-nano decodes (WAV, FLAC, Ogg Vorbis/Opus, MP3); it is down-mixed and resampled to 16 kHz.
            """)

    @Argument(help: "The audio file to convert.")
    var input: String

    @Option(name: [.short, .customLong("model")], help: "The RVC voice model (.pth).")
    var model: String

    @Option(name: [.short, .customLong("index")], help: "The model's retrieval index (.index).")
    var index: String?

    @Option(name: [.short, .customLong("output")], help: "Where to write the converted audio.")
    var output: String

    // `.unconditional` so that `--pitch -5` works without `=`.
    @Option(parsing: .unconditional, help: "Pitch shift in semitones, -24...24.")
    var pitch: Int = 0

    @Option(name: .customLong("index-rate"), help: "Weight of the index features, 0...1.")
    var indexRate: Double = 0.75

    @Option(help: "Consonant protection, 0...0.5 (0.5 turns it off).")
    var protect: Double = 0.33

    @Option(name: .customLong("rms-mix-rate"), help: "Share of the output's own loudness envelope kept, 0...1.")
    var rmsMixRate: Double = 0.25

    @Option(help: "Speaker id of multi-speaker models.")
    var speaker: Int = 0

    @OptionGroup var engine: EngineOptions

    @Option(help: "Seed for the synthesizer's noise.")
    var seed: UInt64?

    @Flag(help: "Turn every noise draw off (reproducible output).")
    var deterministic = false

    @Option(help: "ogg, wav, flac or mp3 (default: from the output's extension).")
    var format: String?

    @Option(name: .customLong("sample-rate"), help: "Output rate in Hz, or 'native' for the model's rate.")
    var sampleRate: String = "48000"

    @Option(help: "Bitrate for Ogg Opus and MP3, e.g. 128k.")
    var bitrate: String = "128k"

    @Flag(help: "Print a one-line JSON summary on stdout.")
    var json = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard ConversionOptions.pitchShiftRange.contains(pitch) else {
            throw ValidationError("--pitch must be within -24...24 semitones, got \(pitch)")
        }
        guard ConversionOptions.indexRateRange.contains(indexRate) else {
            throw ValidationError("--index-rate must be within 0...1, got \(indexRate)")
        }
        guard ConversionOptions.protectRange.contains(protect) else {
            throw ValidationError("--protect must be within 0...0.5, got \(protect)")
        }
        guard ConversionOptions.rmsMixRateRange.contains(rmsMixRate) else {
            throw ValidationError("--rms-mix-rate must be within 0...1, got \(rmsMixRate)")
        }
        guard speaker >= 0 else { throw ValidationError("--speaker must be 0 or more, got \(speaker)") }
        _ = try parsedFormat()
        _ = try parsedSampleRate()
        _ = try parsedBitrate()
    }

    func run() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let device = try engine.parsedDevice()
        let precision = try engine.parsedPrecision(for: device)
        let format = try parsedFormat()
        let assets = AssetLocations()
        let inputURL = URL(fileURLWithPath: input)
        let outputURL = URL(fileURLWithPath: output)

        let hubertURL = engine.hubert.map { URL(fileURLWithPath: $0) } ?? assets.hubert
        let rmvpeURL = engine.rmvpe.map { URL(fileURLWithPath: $0) } ?? assets.rmvpe
        let modelURL = URL(fileURLWithPath: model)
        let indexURL = index.map { URL(fileURLWithPath: $0) }
        if device.isCUDA { Torch.cuDNNBenchmark = engine.cuDNNBenchmark }
        // The input decodes while the networks and the voice model load (a decoding error is
        // reported first, as it would be without the overlap).
        let ((decoded, audio, decodeSeconds), (converter, voice, loadSeconds)) = try Torch.concurrently(
            {
                let decoded = try AudioDecoder().decode(contentsOf: inputURL, mono: true)
                let audio = decoded.sampleRate == PipelineConstants.analysisSampleRate
                    ? decoded : try decoded.resampled(to: PipelineConstants.analysisSampleRate)
                return ((duration: decoded.duration, sampleRate: decoded.sampleRate), audio, Self.seconds(since: started, clock))
            },
            {
                let loadStart = clock.now
                let converter = try VoiceConverter.load(hubert: hubertURL, rmvpe: rmvpeURL, device: device, precision: precision)
                let voice = try VoiceModel.load(model: modelURL, index: indexURL, device: device, precision: precision)
                return (converter, voice, Self.seconds(since: loadStart, clock))
            })
        let readySeconds = ProcessMetrics.secondsSinceProcessStart() ?? Self.seconds(since: started, clock)

        let options = ConversionOptions(
            pitchShift: pitch, indexRate: indexRate, protect: protect, rmsMixRate: rmsMixRate,
            speaker: speaker, seed: seed, deterministic: deterministic)
        let showProgress = !quiet && isatty(STDERR_FILENO) != 0
        let result: ConversionResult
        do {
            result = try converter.convert(audio.samples, voice: voice, options: options) { progress in
                if showProgress { ProgressBar.draw(progress) }
            }
        } catch let ConversionError.invalidOption(name, value, allowed) {
            throw ValidationError("--\(Self.flagName(name)) = \(value) is invalid: allowed range is \(allowed)")
        }
        if showProgress { ProgressBar.finish() }

        let encodeStart = clock.now
        let rate = try parsedSampleRate() ?? result.sampleRate
        let bits = try parsedBitrate()
        let encoder = AudioEncoder(
            format: format, sampleRate: rate, opus: OpusEncoderSettings(bitrate: bits), mp3Bitrate: bits)
        try encoder.encode(int16: result.samples, sampleRate: result.sampleRate, to: outputURL)
        let encodeSeconds = Self.seconds(since: encodeStart, clock)

        let summary = ConvertSummary(
            input: inputURL.path, output: outputURL.path, format: format.rawValue,
            inputSeconds: decoded.duration, inputSampleRate: decoded.sampleRate,
            outputSeconds: result.duration, modelSampleRate: result.sampleRate, outputSampleRate: rate,
            segments: result.segmentCount, device: device.description, precision: precision.rawValue,
            timings: ConvertSummary.Timings(
                decode: decodeSeconds, load: loadSeconds, ready: readySeconds, pitch: result.timings.pitch,
                features: result.timings.features, index: result.timings.index,
                synthesis: result.timings.synthesis, postprocess: result.timings.other,
                encode: encodeSeconds, total: Self.seconds(since: started, clock)),
            peakResidentBytes: ProcessMetrics.peakResidentBytes())
        if json {
            print(try summary.jsonLine())
        } else if !quiet {
            print(summary.text)
        }
    }

    // MARK: Parsing

    func parsedFormat() throws -> AudioFormat {
        if let format {
            guard let parsed = AudioFormat(rawValue: format.lowercased()) else {
                throw ValidationError("--format must be ogg, wav, flac or mp3, got '\(format)'")
            }
            return parsed
        }
        guard let fromName = AudioFormat(url: URL(fileURLWithPath: output)) else {
            throw ValidationError("cannot tell the format from '\(output)': give --format ogg|wav|flac|mp3 or an output ending in .ogg, .wav, .flac or .mp3")
        }
        return fromName
    }

    /// nil for `native`.
    func parsedSampleRate() throws -> Int? {
        if sampleRate == "native" { return nil }
        guard let rate = Int(sampleRate), rate > 0 else {
            throw ValidationError("--sample-rate must be a positive number of Hz or 'native', got '\(sampleRate)'")
        }
        return rate
    }

    func parsedBitrate() throws -> Int {
        let text = bitrate.lowercased()
        let value = text.hasSuffix("k") ? Int(text.dropLast()).map { $0 * 1000 } : Int(text)
        guard let value, OpusEncoderSettings.bitrateRange.contains(value) else {
            throw ValidationError("--bitrate must be 6k...510k (e.g. 128k or 96000), got '\(bitrate)'")
        }
        return value
    }

    /// The command-line flag of a ``ConversionOptions`` property.
    static func flagName(_ option: String) -> String {
        switch option {
        case "pitchShift": return "pitch"
        case "indexRate": return "index-rate"
        case "rmsMixRate": return "rms-mix-rate"
        default: return option
        }
    }

    private static func seconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
        (clock.now - start).inSeconds
    }
}
