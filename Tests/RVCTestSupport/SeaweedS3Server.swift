import Foundation
import RVCStorage

#if canImport(Glibc)
import Glibc
#endif

/// A real S3 server for tests: SeaweedFS (`weed server -s3`) on 127.0.0.1 with free ports, a
/// temporary data folder and an identity with random access and secret keys, so that requests are
/// authenticated.
///
/// `weed` runs under a small Python watchdog that reads the test process's pipe: when the test
/// process closes it (``stop()``) or exits for any reason, the watchdog kills `weed` and removes the
/// data folder, so no server outlives the tests.
///
/// Uses Foundation and the public RVCStorage API only (the readiness probe is a signed request).
public final class SeaweedS3Server: @unchecked Sendable {
    /// `http://127.0.0.1:<port>`.
    public let endpoint: String
    /// The access key of the server's only identity.
    public let accessKey: String
    /// The secret key of the server's only identity.
    public let secretKey: String
    /// A bucket created at start.
    public let bucket: String

    private let process: Process
    private let control: Pipe
    private let lock = NSLock()
    private var stopped = false

    private static let sharedServer = SharedInstance { try await SeaweedS3Server.start() }

    /// The server shared by every test of the process, started on first use (bucket `rvc-test`).
    /// - Throws: `LaunchError` when `weed` is missing or the server does not come up.
    public static func shared() async throws -> SeaweedS3Server {
        try await sharedServer.value()
    }

    /// Where `Scripts/bootstrap --test` installs `weed`: `tools/bin/weed` under `RVC_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/rvc-nano`, else `~/.cache/rvc-nano`.
    /// - Throws: `LaunchError` when no executable is there.
    public static func weedPath() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let cacheRoot: String
        if let root = environment["RVC_CACHE_DIR"], !root.isEmpty {
            cacheRoot = root
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            cacheRoot = xdg + "/rvc-nano"
        } else {
            cacheRoot = (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/rvc-nano"
        }
        let path = cacheRoot + "/tools/bin/weed"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LaunchError("SeaweedFS is not installed at \(path): run `Scripts/bootstrap --test` first")
        }
        return path
    }

    /// Starts a server and waits (up to `timeout`; the default is generous for a loaded machine)
    /// until it accepts a signed CreateBucket of `bucket`.
    /// - Throws: `LaunchError` when `weed` is missing, exits during start-up (its log's end is in the
    ///   message) or is not ready in time.
    public static func start(bucket: String = "rvc-test", timeout: Duration = .seconds(240)) async throws -> SeaweedS3Server {
        let weed = try weedPath()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rvc-seaweed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let accessKey = "AK" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(18)
        let secretKey = UUID().uuidString + UUID().uuidString
        let identities: [String: Any] = [
            "identities": [[
                "name": "rvc-test",
                "credentials": [["accessKey": accessKey, "secretKey": secretKey]],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            ]],
        ]
        let config = directory.appendingPathComponent("s3.json")
        try JSONSerialization.data(withJSONObject: identities).write(to: config)
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)

        let ports = try freePorts(8)
        let arguments = [
            "server", "-dir=\(data.path)", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.port=\(ports[0])", "-master.port.grpc=\(ports[1])",
            "-volume.port=\(ports[2])", "-volume.port.grpc=\(ports[3])",
            "-filer.port=\(ports[4])", "-filer.port.grpc=\(ports[5])",
            "-s3", "-s3.port=\(ports[6])", "-s3.port.grpc=\(ports[7])",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.config=\(config.path)",
            "-master.volumeSizeLimitMB=64", "-volume.max=8",
        ]
        // The watchdog, in Python (on every machine that builds the project): it clears the signal
        // mask the test process's threads pass on (with SIGCHLD and SIGTERM blocked, a shell
        // watchdog can neither stop nor reap weed), starts weed, records its pid, and on EOF of its
        // stdin stops weed and removes the data folder.
        let watchdog = """
            import os, shutil, signal, subprocess, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            directory, command = sys.argv[1], sys.argv[2:]
            with open(os.path.join(directory, "weed.log"), "wb") as log:
                child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            with open(os.path.join(directory, "weed.pid"), "w") as pid:
                pid.write(str(child.pid))
            try:
                sys.stdin.buffer.read()
            finally:
                child.terminate()
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                shutil.rmtree(directory, ignore_errors=True)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", watchdog, directory.path, weed] + arguments
        let control = Pipe()
        process.standardInput = control
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        let server = SeaweedS3Server(
            endpoint: "http://127.0.0.1:\(ports[6])", accessKey: accessKey, secretKey: secretKey,
            bucket: bucket, process: process, control: control)
        do {
            try await server.waitUntilReady(directory: directory, timeout: timeout)
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    private init(endpoint: String, accessKey: String, secretKey: String, bucket: String, process: Process, control: Pipe) {
        self.endpoint = endpoint
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.bucket = bucket
        self.process = process
        self.control = control
    }

    deinit { stop() }

    /// A configuration for this server (path-style, region `us-east-1`), with another secret key if given.
    public func configuration(secretKey: String? = nil, keyPrefix: String = "worker-rvc-nano") throws -> S3Configuration {
        try S3Configuration(
            endpoint: endpoint, accessKey: accessKey, secretKey: secretKey ?? self.secretKey, bucket: bucket,
            region: "us-east-1", keyPrefix: keyPrefix)
    }

    /// Stops the server and removes its data; idempotent.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        try? control.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func waitUntilReady(directory: URL, timeout: Duration) async throws {
        var options = DownloadOptions()
        options.maxRetries = 0
        options.connectTimeout = .seconds(2)
        let client = S3Client(configuration: try configuration(), options: options)
        let deadline = ContinuousClock.now + timeout
        var lastError: Error?
        while ContinuousClock.now < deadline {
            if let pidText = try? String(contentsOf: directory.appendingPathComponent("weed.pid"), encoding: .utf8),
               let pid = Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)), !Self.isAlive(pid)
            {
                let log = (try? String(contentsOf: directory.appendingPathComponent("weed.log"), encoding: .utf8)) ?? ""
                throw LaunchError("weed exited during start-up; its log ends with:\n\(log.suffix(2000))")
            }
            do {
                try await client.createBucket()
                return
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw LaunchError("SeaweedFS at \(endpoint) was not ready within \(timeout): \(lastError.map { "\($0)" } ?? "no answer")")
    }

    /// Running and not a zombie.
    private static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z"
    }

    /// `count` distinct ports that were free a moment ago on 127.0.0.1.
    private static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { _ = close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw LaunchError("socket() failed") }
            sockets.append(descriptor)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
                }
            }
            guard bound else { throw LaunchError("could not find a free port") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }

    /// The server could not be started; the description says why.
    public struct LaunchError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
