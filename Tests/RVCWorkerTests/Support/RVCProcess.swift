import Foundation
import RVCTestSupport
import Synchronization

/// The built `rvc` executable run as a child process, its output collected as it arrives.
final class RVCProcess: Sendable {
    private let process: Process
    private let output = OutputBuffer()
    /// Opens when the output pipe reached its end (the process and its children closed it).
    private let drained = TestGate()

    /// Output collected from the pipe's handler thread.
    final class OutputBuffer: Sendable {
        private let data = Mutex(Data())
        func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
        var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    /// The `rvc` executable of this build (next to the test runner).
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("rvc").path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("rvc")
    }

    /// A fixture of `Tests/Fixtures/parity`.
    static func fixture(_ name: String) -> String { Fixtures.parity(name).path }

    /// Arguments that load the tiny fixture networks on the CPU.
    static let tinyEngineArguments = [
        "--hubert", fixture("hubert_tiny.pt"), "--rmvpe", fixture("rmvpe_tiny.pt"), "--device", "cpu",
    ]

    init(_ arguments: [String], environment: [String: String], directory: URL? = nil) throws {
        process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        var base = ProcessInfo.processInfo.environment
        for key in base.keys where key.hasPrefix("RUNPOD_") || key.hasPrefix("S3_") { base.removeValue(forKey: key) }
        process.environment = base.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read to the end of the output on a thread of its own (Process closed our copy of the
        // pipe's write end); `wait()` waits for that end, so the last lines are there however late
        // the reader gets to them.
        let output = self.output, drained = self.drained
        let reader = pipe.fileHandleForReading
        Thread {
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                output.append(chunk)
            }
            drained.open()
        }.start()
    }

    var text: String { output.text }

    /// The process's resident memory (`VmRSS`), nil once it has exited.
    var residentBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.dropFirst(6).filter(\.isNumber)).map { $0 * 1024 }
        }
        return nil
    }
    var isRunning: Bool { process.isRunning }

    func terminate() { if process.isRunning { process.terminate() } }

    /// Waits for the process to exit (killing it after `timeout`) and returns its status.
    func wait(timeout: Duration = .seconds(120)) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            process.interrupt()
            try? await Task.sleep(for: .seconds(2))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        await drained.wait()
        return process.terminationStatus
    }

    /// Waits until the output contains `fragment`.
    func waitForOutput(_ fragment: String, timeout: Duration = .seconds(120)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if text.contains(fragment) { return true }
            if !process.isRunning { return text.contains(fragment) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    deinit { terminate() }
}
