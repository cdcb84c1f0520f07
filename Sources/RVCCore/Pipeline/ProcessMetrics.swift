import Foundation

/// Memory and age of the running process, read from Linux's `/proc` (nil elsewhere).
public enum ProcessMetrics {
    /// Peak resident memory since start or the last ``resetPeakResidentMemory()``, in bytes
    /// (`VmHWM` of `/proc/self/status`).
    public static func peakResidentBytes() -> Int64? { statusField("VmHWM:") }

    /// Current resident memory in bytes (`VmRSS`).
    public static func residentBytes() -> Int64? { statusField("VmRSS:") }

    /// Restarts the peak-memory count from the current resident size (writes 5 to
    /// `/proc/self/clear_refs`, Linux ≥ 4.0). Returns false where that is not possible.
    @discardableResult
    public static func resetPeakResidentMemory() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// Seconds since this process started, from its start time in `/proc/self/stat` (10 ms resolution)
    /// and the system uptime: the time a user waits from launching a command.
    public static func secondsSinceProcessStart() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let uptimeText = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let uptime = uptimeText.split(separator: " ").first.flatMap({ Double($0) }),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the parenthesised command name; starttime is field 22 overall, 20 after it.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard hertz > 0 else { return nil }
        return max(0, uptime - ticks / hertz)
    }

    private static func statusField(_ name: String) -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return Int64(line.dropFirst(name.count).filter(\.isNumber)).map { $0 * 1024 }
        }
        return nil
    }
}
