import Foundation
import Synchronization

/// Runs the built `rvc` executable (next to the test runner) and collects its output without
/// blocking Swift's cooperative pool (the pipes are drained by their own handler threads).
enum RVCBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `rvc` executable of this build.
    static var url: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("rvc").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("rvc")
    }

    /// Collects what a pipe delivers.
    final class Collector: Sendable {
        private let data = Mutex(Data())
        private let pipe: Pipe
        init(_ pipe: Pipe) {
            self.pipe = pipe
            pipe.fileHandleForReading.readabilityHandler = { [self] handle in
                let chunk = handle.availableData
                if !chunk.isEmpty { data.withLock { $0.append(chunk) } }
            }
        }
        /// Stops the handler and takes whatever is still buffered (call after the process exited).
        func finish() {
            pipe.fileHandleForReading.readabilityHandler = nil
            let rest = pipe.fileHandleForReading.readDataToEndOfFile()
            data.withLock { $0.append(rest) }
        }
        var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    /// Runs `rvc arguments...` with extra environment variables and waits up to `timeout`.
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
                    timeout: Duration = .seconds(120)) async throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdout = Collector(out), stderr = Collector(err)
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { process.terminate() }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.waitUntilExit()
        stdout.finish()
        stderr.finish()
        return Result(status: process.terminationStatus, stdout: stdout.text, stderr: stderr.text)
    }
}
