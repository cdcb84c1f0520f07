import Foundation

/// Sample-rate conversion equivalent to libswresample's default resampler, the one the reference
/// implementation gets from `ffmpeg -ar 16000`.
///
/// A polyphase FIR filter (`PolyphaseFilter`: Kaiser-windowed sinc, β 9, 32 taps at the
/// narrower band, cut-off at 97 % of it, one phase per distinct output position for rational
/// ratios up to 1024 phases, linear interpolation between 1024 phases otherwise). Against the
/// `ffmpeg` CLI the output has the same length and matches to float32 rounding (about 140 dB
/// SNR; see `docs/performance.md`).
///
/// Output `n` sits at input time `n · inputRate / outputRate` (time-aligned, no delay). The
/// stream's edges are extended as libswresample extends them: mirrored about the first sample
/// before the start, and by a reflection of the last samples (the edge repeated) at the end;
/// `outputFrames(for:)` gives the resulting length, which is ⌈n · outputRate / inputRate⌉ or, when
/// downsampling, sometimes one frame less. Inputs no longer than the filter (92 taps at 44.1 →
/// 16 kHz, about 2 ms), where libswresample emits nothing or a damaged result, give
/// ⌈n · outputRate / inputRate⌉ frames from the input mirrored as often as needed.
///
/// Long inputs are split across threads by output range; each output depends only on its
/// input window, so the result is bit-identical to a single-threaded run.
public struct Resampler: Sendable {
    /// Input rate in Hz.
    public let inputRate: Int
    /// Output rate in Hz.
    public let outputRate: Int
    /// Interleaved channels per frame.
    public let channels: Int
    /// nil when the rates are equal.
    let filter: PolyphaseFilter?

    /// The range of ratios accepted: the rates may differ by at most this factor.
    public static let maxRatio = 256

    /// - Throws: `AudioError.invalidArgument` unless both rates are in 1...4 000 000 Hz and within a
    ///   factor of 256 of each other (which keeps the position arithmetic within 64 bits), and
    ///   `channels` is in 1...64.
    public init(from inputRate: Int, to outputRate: Int, channels: Int = 1) throws {
        guard inputRate > 0, outputRate > 0, channels >= 1, channels <= 64,
            inputRate <= 4_000_000, outputRate <= 4_000_000,
            outputRate <= inputRate * Self.maxRatio, inputRate <= outputRate * Self.maxRatio
        else {
            throw AudioError.invalidArgument(
                file: "resampler",
                detail: "cannot resample \(channels) channel(s) from \(inputRate) Hz to "
                    + "\(outputRate) Hz (rates must be 1...4000000 Hz and within a factor of 256)")
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        self.filter =
            inputRate == outputRate ? nil : PolyphaseFilter(inputRate: inputRate, outputRate: outputRate)
    }

    /// Frames produced for `inputFrames` input frames (see the type's description).
    public func outputFrames(for inputFrames: Int) -> Int {
        guard let filter else { return max(inputFrames, 0) }
        return Layout(inputFrames: inputFrames, filter: filter, inputRate: inputRate, outputRate: outputRate)
            .outputFrames
    }

    /// Frames produced for `inputFrames` input frames when converting `inputRate` → `outputRate`.
    /// Rates outside `Resampler`'s range give the input length unchanged.
    public static func outputFrames(for inputFrames: Int, from inputRate: Int, to outputRate: Int)
        -> Int
    {
        guard let resampler = try? Resampler(from: inputRate, to: outputRate) else {
            return max(inputFrames, 0)
        }
        return resampler.outputFrames(for: inputFrames)
    }

    /// Resamples interleaved samples; the result holds exactly `outputFrames(for:)` frames.
    /// Equal rates return the input unchanged.
    /// - Throws: `AudioError.invalidArgument` when the count is not a multiple of `channels`.
    public func process(_ samples: [Float]) throws -> [Float] {
        try process(samples, maxThreads: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// `process(_:)` on at most `maxThreads` threads, each given at least `workPerThread`
    /// multiply-adds (tests compare one thread with many on short inputs).
    func process(
        _ samples: [Float], maxThreads: Int, workPerThread: Int = Layout.workPerThread
    ) throws -> [Float] {
        guard samples.count % channels == 0 else {
            throw AudioError.invalidArgument(
                file: "resampler",
                detail: "\(samples.count) samples do not form \(channels)-channel frames")
        }
        guard let filter else { return samples }
        let frames = samples.count / channels
        let layout = Layout(
            inputFrames: frames, filter: filter, inputRate: inputRate, outputRate: outputRate)
        let outFrames = layout.outputFrames
        guard outFrames > 0 else { return [] }
        var output = [Float](repeating: 0, count: outFrames * channels)
        if channels == 1 {
            samples.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    layout.render(
                        input, into: out, maxThreads: maxThreads, workPerThread: workPerThread)
                }
            }
            return output
        }
        var planarIn = [Float](repeating: 0, count: frames)
        var planarOut = [Float](repeating: 0, count: outFrames)
        for channel in 0..<channels {
            for i in 0..<frames { planarIn[i] = samples[i * channels + channel] }
            planarIn.withUnsafeBufferPointer { input in
                planarOut.withUnsafeMutableBufferPointer { out in
                    layout.render(
                        input, into: out, maxThreads: maxThreads, workPerThread: workPerThread)
                }
            }
            for i in 0..<outFrames { output[i * channels + channel] = planarOut[i] }
        }
        return output
    }
}

extension Resampler {
    /// Where each output's input window lies for one input length: the output count and the
    /// three stretches of outputs (windows reaching before the start, wholly inside, reaching
    /// past the end).
    struct Layout {
        let filter: PolyphaseFilter
        let inputFrames: Int
        /// Samples of the end reflection (libswresample's flush).
        let reflection: Int
        let outputFrames: Int
        /// Outputs `0..<firstInside` read mirrored samples before the start.
        let firstInside: Int
        /// Outputs from `firstPastEnd` on read past the last sample.
        let firstPastEnd: Int
        /// Input step per output, reduced: `rateNumerator / rateDenominator` input samples.
        private let rateNumerator: Int
        private let rateDenominator: Int

        init(inputFrames n: Int, filter: PolyphaseFilter, inputRate: Int, outputRate: Int) {
            let divisor = PolyphaseFilter.gcd(inputRate, outputRate)
            let num = inputRate / divisor
            let den = outputRate / divisor
            self.filter = filter
            self.inputFrames = n
            self.rateNumerator = num
            self.rateDenominator = den
            let c = filter.center
            let half = filter.taps / 2
            func ceilDiv(_ a: Int, _ b: Int) -> Int { a > 0 ? (a + b - 1) / b : 0 }
            if n <= filter.taps {
                // Shorter than the filter, where libswresample emits nothing or a damaged
                // result: ⌈n · out / in⌉ frames, from the input mirrored as often as needed.
                self.reflection = 0
                self.outputFrames = ceilDiv(n * den, num)
                self.firstInside = outputFrames
                self.firstPastEnd = outputFrames
                return
            }
            // Outputs computed while the stream is open: their window [s, s + taps) with
            // s = ⌊k·num/den⌋ − c ends within the input.
            let open = ceilDiv((n - half) * den, num)
            // At the end libswresample appends the last ⌈r/2⌉ samples reversed, r being the
            // samples still buffered (from the next output's window start), at most taps.
            let remaining = n - (open * num / den - c)
            let reflection = (min(remaining, filter.taps) + 1) / 2
            self.reflection = reflection
            let total = ceilDiv((n + reflection - half) * den, num)
            self.outputFrames = total
            self.firstInside = min(total, ceilDiv(c * den, num))
            self.firstPastEnd = max(
                firstInside, min(total, ceilDiv((n - filter.stride + c + 1) * den, num)))
        }

        /// Sample `k` of the extended stream (k may be negative or ≥ n): mirrored about the first
        /// sample before the start and reflected with the edge repeated after the end (which is
        /// libswresample's extension wherever it reaches), repeatedly for short inputs.
        func extended(_ x: UnsafeBufferPointer<Float>, _ k: Int) -> Float {
            let n = x.count
            if n == 0 { return 0 }
            if n == 1 { return x[0] }
            var j = k
            while true {
                if j < 0 {
                    j = -j
                } else if j >= n {
                    j = 2 * n - 1 - j
                } else {
                    return x[j]
                }
            }
        }

        /// One past the last extended sample the outputs read (their windows are `stride` long).
        private var readEnd: Int {
            guard outputFrames > 0 else { return 0 }
            let lastStart = (outputFrames - 1) * rateNumerator / rateDenominator - filter.center
            return lastStart + filter.stride
        }

        /// Fills `out` (`outputFrames` floats) from one channel `x`, on up to `maxThreads` threads.
        func render(
            _ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
            maxThreads: Int, workPerThread: Int
        ) {
            guard let outBase = out.baseAddress, outputFrames > 0 else { return }
            let stride = filter.stride
            let taps = filter.taps
            filter.coefficients.withUnsafeBufferPointer { bank in
                guard let bankBase = bank.baseAddress else { return }
                // Short input: one extended copy serves every output.
                if firstInside >= firstPastEnd || x.count < 4 * stride {
                    let origin = -taps
                    let copy = (origin..<max(readEnd, origin)).map { extended(x, $0) }
                    copy.withUnsafeBufferPointer { ext in
                        guard let extBase = ext.baseAddress else { return }
                        convolve(
                            bank: bankBase, source: extBase, origin: origin,
                            outputs: 0..<outputFrames, into: outBase)
                    }
                    return
                }
                guard let inBase = x.baseAddress else { return }
                let headOrigin = -taps
                let head = (headOrigin..<stride).map { extended(x, $0) }
                let tailOrigin = inputFrames - stride
                let tail = (tailOrigin..<max(readEnd, tailOrigin)).map { extended(x, $0) }
                head.withUnsafeBufferPointer { headBuffer in
                    tail.withUnsafeBufferPointer { tailBuffer in
                        guard let headBase = headBuffer.baseAddress,
                            let tailBase = tailBuffer.baseAddress
                        else { return }
                        convolve(
                            bank: bankBase, source: headBase, origin: headOrigin,
                            outputs: 0..<firstInside, into: outBase)
                        convolve(
                            bank: bankBase, source: tailBase, origin: tailOrigin,
                            outputs: firstPastEnd..<outputFrames, into: outBase + firstPastEnd)
                        renderInside(
                            bank: bankBase, source: inBase, into: outBase, maxThreads: maxThreads,
                            workPerThread: workPerThread)
                    }
                }
            }
        }

        /// Multiply-adds per thread below which splitting does not pay (about a millisecond).
        static let workPerThread = 1 << 22

        /// The outputs whose windows lie inside the input, split into contiguous ranges across
        /// threads.
        private func renderInside(
            bank: UnsafePointer<Float>, source: UnsafePointer<Float>,
            into out: UnsafeMutablePointer<Float>, maxThreads: Int, workPerThread: Int
        ) {
            let count = firstPastEnd - firstInside
            let work = count * filter.stride * (filter.isExact ? 1 : 2)
            let threads = max(1, min(maxThreads, count, work / max(workPerThread, 1)))
            if threads == 1 {
                convolve(
                    bank: bank, source: source, origin: 0, outputs: firstInside..<firstPastEnd,
                    into: out + firstInside)
                return
            }
            let pointers = SendablePointers(bank: bank, source: source, out: out)
            let first = firstInside
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                let lower = first + count * part / threads
                let upper = first + count * (part + 1) / threads
                convolve(
                    bank: pointers.bank, source: pointers.source, origin: 0,
                    outputs: lower..<upper, into: pointers.out + lower)
            }
        }

        /// Computes `outputs` into `out` (which holds output `outputs.lowerBound` first) from
        /// `source`, which holds extended sample `origin` first and covers every window read.
        func convolve(
            bank: UnsafePointer<Float>, source: UnsafePointer<Float>, origin: Int,
            outputs: Range<Int>, into out: UnsafeMutablePointer<Float>
        ) {
            guard !outputs.isEmpty else { return }
            let phases = filter.phases
            let stride = filter.stride
            let inputStep = filter.inputStep
            let outputStep = filter.outputStep
            // Position of the first output in phase steps, then advanced incrementally by
            // whole samples, phases and a remainder in 1/outputStep of a phase: exact integers.
            let position = outputs.lowerBound * inputStep
            let phaseIndex = position / outputStep
            var remainder = position - phaseIndex * outputStep
            var sample = phaseIndex / phases - filter.center - origin
            var phase = phaseIndex % phases
            let stepPhases = inputStep / outputStep
            let stepSamples = stepPhases / phases
            let stepPhase = stepPhases % phases
            let stepRemainder = inputStep % outputStep
            let inverse = 1.0 / Double(outputStep)
            for i in 0..<outputs.count {
                let window = source + sample
                let row = bank + phase * stride
                var value = Self.dot(window, row, stride)
                if remainder != 0 {
                    let next = Self.dot(window, row + stride, stride)
                    // libswresample's float interpolation, evaluated in the same order.
                    value = Float(Double(value) + Double(next - value) * inverse * Double(remainder))
                }
                out[i] = value
                sample += stepSamples
                phase += stepPhase
                remainder += stepRemainder
                if remainder >= outputStep {
                    remainder -= outputStep
                    phase += 1
                }
                if phase >= phases {
                    phase -= phases
                    sample += 1
                }
            }
        }

        /// Σ x[i]·h[i] for i < count (a multiple of 8), in float32 with two 8-lane accumulators.
        @inline(__always)
        static func dot(_ x: UnsafePointer<Float>, _ h: UnsafePointer<Float>, _ count: Int) -> Float {
            let xr = UnsafeRawPointer(x)
            let hr = UnsafeRawPointer(h)
            var a = SIMD8<Float>()
            var b = SIMD8<Float>()
            var offset = 0
            let bytes = count * MemoryLayout<Float>.stride
            while offset + 64 <= bytes {
                a += xr.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                    * hr.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                b += xr.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
                    * hr.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
                offset += 64
            }
            if offset < bytes {
                a += xr.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                    * hr.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            }
            // Pairwise: halves of the vector added until one lane is left.
            let eight = a + b
            let four = eight.lowHalf + eight.highHalf
            let two = four.lowHalf + four.highHalf
            return two[0] + two[1]
        }
    }
}

/// Raw pointers handed to worker threads that write disjoint output ranges.
private struct SendablePointers: @unchecked Sendable {
    let bank: UnsafePointer<Float>
    let source: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>
}
