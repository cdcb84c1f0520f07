import Foundation

/// Resource figures of this process, for the metadata.
enum ProcessResources {
    /// Peak resident memory (`VmHWM` of `/proc/self/status`) in bytes; nil where unavailable.
    static func peakMemoryBytes() -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst(6).filter(\.isNumber)
            return Int64(digits).map { $0 * 1024 }
        }
        return nil
    }
}
