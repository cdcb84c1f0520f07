import ArgumentParser
import Foundation
import Logging
import RVCWorker

/// `rvc worker`: the RunPod serverless worker. With `RUNPOD_WEBHOOK_GET_JOB` set it runs the queue
/// worker until SIGTERM (drains, exits 0; a second SIGTERM exits at once with 143); without it, it
/// runs one job from `--test-input` (or `--test_input`) or `./test_input.json`, prints the result
/// and exits 1 on failure (as the RunPod SDK's local test does).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run the RunPod serverless worker (or one local test job).")

    @OptionGroup var engine: EngineOptions

    // `--test_input` is the RunPod SDK's spelling.
    @Option(
        name: [.customLong("test-input"), .customLong("test_input")],
        help: "A job as JSON text ({\"input\": {...}}); forces a one-shot local test.")
    var testInput: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let production = testInput == nil ? RunPodConfiguration.fromEnvironment(environment) : nil
        let job: JSONValue?
        if production == nil {
            do {
                job = try LocalTestRun.loadJob(text: testInput, directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
        } else {
            job = nil
        }
        let runner = try await engine.makeRunner(environment: environment)
        if let configuration = production {
            let worker = RunPodWorker(configuration: configuration, handler: runner.handler)
            // SIGTERM: finish and report the jobs in hand, then exit 0; a second SIGTERM exits at once.
            let trap = SignalTrap.drainThenExit { worker.stop() }
            await worker.run()
            withExtendedLifetime(trap) {}
            return
        }
        guard let job else { return }
        let body = await LocalTestRun.run(job: job, handler: runner.handler)
        print(body.jsonText)
        if RunPodResult.isFailure(body) { throw ExitCode.failure }
    }
}
