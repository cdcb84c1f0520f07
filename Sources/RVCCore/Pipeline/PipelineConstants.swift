/// The padding and long-audio split lengths of the reference pipeline, which depend on the compute
/// precision (reference-inference.md E.1, `config.py`'s `device_config`).
///
/// All `x…` values are in seconds of 16 kHz audio; the derived `t…` values are in samples.
public struct PipelineConstants: Sendable, Equatable {
    /// Sample rate of every analysis stage (HuBERT, RMVPE), in Hz.
    public static let analysisSampleRate = 16000
    /// Samples per pitch frame at 16 kHz (10 ms, 100 frames per second) — `Pipeline.window`.
    public static let window = 160

    /// Seconds of reflected context added on each side of the audio (and trimmed from the output).
    public var xPad: Int
    /// Half-width, in seconds, of the window searched for a quiet split point.
    public var xQuery: Int
    /// Spacing, in seconds, of the nominal split points of long audio.
    public var xCenter: Int
    /// Audio longer than this many seconds (after an 80-sample reflection on each side) is split.
    public var xMax: Int

    /// Creates a set of constants (lengths in seconds).
    public init(xPad: Int, xQuery: Int, xCenter: Int, xMax: Int) {
        self.xPad = xPad
        self.xQuery = xQuery
        self.xCenter = xCenter
        self.xMax = xMax
    }

    /// Float32 settings (`is_half=False` in the reference's `config.py`): 1 / 6 / 38 / 41.
    public static let float32 = PipelineConstants(xPad: 1, xQuery: 6, xCenter: 38, xMax: 41)
    /// Half-precision settings (the reference's production `is_half=True`): 3 / 10 / 60 / 65.
    public static let half = PipelineConstants(xPad: 3, xQuery: 10, xCenter: 60, xMax: 65)

    /// The constants the reference uses for networks computed in `dtype` (float16 and bfloat16
    /// count as half precision; anything else as float32).
    public static func forModelDType(_ dtype: DType) -> PipelineConstants {
        switch dtype {
        case .float16, .bfloat16: return .half
        default: return .float32
        }
    }

    /// Reflected context per side, in 16 kHz samples (`t_pad`).
    public var tPad: Int { Self.analysisSampleRate * xPad }
    /// Both sides' context (`t_pad2`).
    public var tPad2: Int { 2 * tPad }
    /// Half-width of the split-point search window, in samples (`t_query`).
    public var tQuery: Int { Self.analysisSampleRate * xQuery }
    /// Spacing of nominal split points, in samples (`t_center`).
    public var tCenter: Int { Self.analysisSampleRate * xCenter }
    /// Longest 16 kHz audio (plus 160 samples) converted in one segment (`t_max`).
    public var tMax: Int { Self.analysisSampleRate * xMax }
    /// Output samples trimmed from each end of every segment at `sampleRate` (`t_pad_tgt`).
    public func tPadTarget(sampleRate: Int) -> Int { sampleRate * xPad }
}
