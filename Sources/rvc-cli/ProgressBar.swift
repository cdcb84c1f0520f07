import Foundation
import RVCCore

/// A one-line segment progress bar on stderr (drawn only when stderr is a terminal).
enum ProgressBar {
    static let width = 30

    static func draw(_ progress: ConversionProgress) {
        let done = progress.segment * width / max(progress.segmentCount, 1)
        let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
        FileHandle.standardError.write(Data("\r[\(bar)] segment \(progress.segment + 1)/\(progress.segmentCount)".utf8))
    }

    static func finish() {
        FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: width))] done\u{1B}[K\n".utf8))
    }
}
