/// How ``RMVPE`` splits long audio into overlapping windows of mel frames, so that no GRU sequence
/// comes near cuDNN's 65 535-step limit and memory stays bounded whatever the file's length.
///
/// Each window keeps ``frames`` frames and sees ``context`` more frames on each side (fewer at the
/// ends of the file); the network runs on the whole window and only the kept frames are used.
/// Window starts fall on the U-Net's 32-frame grid, so every window pools exactly like the
/// whole-file computation, and the last window is zero-padded on the right exactly as the whole
/// file is. What differs is only what lies beyond the context: the convolutions' zero padding and
/// the GRU's zero initial state at interior window edges, whose effect on the kept frames fades
/// with the context length.
public struct RMVPEChunking: Sendable, Equatable, CustomStringConvertible {
    /// Frames each window keeps (10 ms each), a positive multiple of 32.
    public let frames: Int
    /// Frames of context on each side of the kept frames, a non-negative multiple of 32.
    public let context: Int

    /// The U-Net pads its input to a multiple of 32 frames (rmvpe.py `mel2hidden`).
    public static let frameMultiple = 32

    /// 4096 kept frames (41 s) with 512 frames (5.1 s) of context per side: GRU sequences of at
    /// most 5120 steps, a U-Net activation of a few hundred MB for the full-size network, and
    /// chunked output equal to the whole-file output within the parity tolerance on the fixtures.
    /// Audio up to ``frames`` + 2 · ``context`` frames (51 s) runs as one window.
    public static let standard = RMVPEChunking(checkedFrames: 4096, context: 512)

    /// - Throws: ``ModelInputError/badInput(model:what:)`` when `frames` is not a positive multiple
    ///   of 32 or `context` is not a non-negative multiple of 32.
    public init(frames: Int, context: Int) throws {
        guard frames > 0, frames % Self.frameMultiple == 0 else {
            throw ModelInputError.badInput(model: RMVPE.name, what: "chunk frames must be a positive multiple of 32, got \(frames)")
        }
        guard context >= 0, context % Self.frameMultiple == 0 else {
            throw ModelInputError.badInput(model: RMVPE.name, what: "chunk context must be a non-negative multiple of 32, got \(context)")
        }
        self.init(checkedFrames: frames, context: context)
    }

    private init(checkedFrames frames: Int, context: Int) {
        self.frames = frames
        self.context = context
    }

    public var description: String { "\(frames) frames + \(context) context" }

    /// One window: the network runs on frames `start ..< start + length`; frames
    /// `start + keepOffset ..< start + keepOffset + keepLength` are kept.
    struct Window: Sendable, Equatable {
        let start: Int
        let length: Int
        let keepOffset: Int
        let keepLength: Int
    }

    /// The windows covering `total` frames, in order; their kept ranges tile `0 ..< total`.
    /// A single window spans everything when `total` ≤ frames + 2 · context.
    func windows(total: Int) -> [Window] {
        guard total > frames + 2 * context else {
            return [Window(start: 0, length: total, keepOffset: 0, keepLength: total)]
        }
        var result: [Window] = []
        var keepStart = 0
        while keepStart < total {
            let keepEnd = Swift.min(keepStart + frames, total)
            let start = Swift.max(0, keepStart - context)
            let end = Swift.min(total, keepEnd + context)
            result.append(Window(start: start, length: end - start, keepOffset: keepStart - start, keepLength: keepEnd - keepStart))
            keepStart = keepEnd
        }
        return result
    }
}
