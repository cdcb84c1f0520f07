import Foundation

/// Runs the real built `rvc` binary (it sits next to the test bundle in the build products folder).
enum RVCBinary {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String { "the rvc binary was not found (looked in \(searched)); build it with `swift build`" }
    }

    /// The build products folder holding the test bundle and `rvc`.
    static func url() throws -> URL {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for folder in candidates {
            var dir = folder
            // The XCTest bundle's executable lives inside `*.xctest/` on some platforms.
            for _ in 0..<3 {
                let rvc = dir.appendingPathComponent("rvc")
                if FileManager.default.isExecutableFile(atPath: rvc.path) { return rvc }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw NotFound(searched: candidates.map(\.path))
    }

    /// Runs `rvc` with `arguments`, waiting for it to exit.
    static func run(_ arguments: [String], environment: [String: String]? = nil, currentDirectory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so a chatty child cannot fill one and block.
        let errData = LockedData()
        let errReader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }
}

/// A tiny lock-protected Data box for the stderr reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ d: Data) { lock.lock(); data = d; done = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
