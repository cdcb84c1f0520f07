import Foundation
import RVCTestSupport

/// The `ffmpeg` CLI as the reference implementation runs it (section E.2 of
/// docs/reference-inference.md): mono float32 at the requested rate, libswresample defaults.
enum FFmpegCLI {
    /// `ffmpeg -nostdin -threads 0 -i <file> -f f32le -acodec pcm_f32le -ac 1 -ar <rate>`.
    static func load(_ url: URL, rate: Int = 16_000, in dir: TemporaryDirectory) throws -> [Float] {
        let raw = dir.file(url.lastPathComponent + ".\(rate).f32")
        try ExternalTool.run(
            "ffmpeg",
            ["-nostdin", "-v", "error", "-y", "-threads", "0", "-i", url.path, "-f", "f32le",
             "-acodec", "pcm_f32le", "-ac", "1", "-ar", String(rate), raw.path])
        let data = try Data(contentsOf: raw)
        return data.withUnsafeBytes { bytes in
            (0..<(data.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            }
        }
    }
}
