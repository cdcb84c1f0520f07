import Foundation

/// Runs the test tools installed by `Scripts/bootstrap --test` (espeak-ng, ffmpeg, opusdec,
/// opusinfo, opusenc, sox). A missing tool fails the test with a message saying how to install it.
enum ExternalTool {
    struct Missing: Error, CustomStringConvertible {
        let tool: String
        var description: String {
            "\(tool) is not installed: run `Scripts/bootstrap --test` to install the test tools"
        }
    }

    struct Failed: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let stderr: String
        var description: String { "`\(command)` exited with \(status): \(stderr)" }
    }

    struct Result {
        let stdout: String
        let stderr: String
    }

    static func path(of tool: String) throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            .split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        for dir in dirs {
            let candidate = dir + "/" + tool
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Missing(tool: tool)
    }

    /// Runs `tool` with `arguments`, throwing unless it exits with status 0.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(of: tool))
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting so a chatty tool cannot block on a full pipe.
        let stderrData = LockedData()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let result = Result(
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData.get(), as: UTF8.self))
        guard process.terminationStatus == 0 else {
            throw Failed(
                command: ([tool] + arguments).joined(separator: " "),
                status: process.terminationStatus, stderr: result.stderr)
        }
        return result
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
