import ArgumentParser
import Foundation
import RVCWorker

/// `rvc serve`: a local HTTP API with the shapes of RunPod's public endpoint API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the conversion job API locally (POST /run, /runsync; GET /status/{id}, /health).")

    @OptionGroup var engine: EngineOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 8000

    @Option(help: "Jobs run at once (on the CPU they share its threads: each gets its share, not all).")
    var concurrency: Int = 1

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let runner = try await engine.makeRunner(environment: ProcessInfo.processInfo.environment)
        var configuration = LocalAPIServer.Configuration()
        configuration.host = host
        configuration.port = port
        configuration.concurrency = concurrency
        let server = LocalAPIServer(configuration: configuration, handler: runner.handler)
        try await server.run { port in
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
    }
}
