import Foundation
import RVCTestSupport
import Testing
@testable import RVCWorker

/// Cancelling the task that runs a job (the platform's job-stop, the local API's cancel) stops the
/// job at its next step, held behind gates so nothing depends on timing.
@Suite struct JobRunnerCancellationTests {
    @Test func cancellingDuringTheConversionStopsItBeforeItsNextSegment() async throws {
        let hold = ConversionHold()
        let fixture = try await RunnerFixture.make(engine: TestEngine(hold: hold))
        defer { fixture.tearDown() }
        let job = Task { await fixture.runner.run(input: fixture.input(), jobID: "j-cancel") }
        await hold.started.wait()
        job.cancel()
        let outcome = await job.value
        #expect(outcome.failure?.code == .cancelled)
        #expect(outcome.failure?.stage == .inference)
        #expect(outcome.failure?.refreshWorker == false)
        #expect(hold.cancelled == 1)
        #expect(hold.completed == 0)
    }

    @Test func cancellingDuringTheModelDownloadAbortsItAtOnce() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        let tag = "model-\(UUID().uuidString.prefix(8))"
        let path = "/hold/100000/10/\(tag)"
        let job = Task {
            await fixture.runner.run(input: fixture.input(["model_url": .string(fixture.server.url(path))]), jobID: "j-dl")
        }
        #expect(try await fixture.server.eventually { try $0.requestCount(path) == 1 })
        job.cancel()
        // The server holds the model until released: only the cancellation ends the job.
        let outcome = await job.value
        #expect(outcome.failure?.code == .cancelled)
        #expect(outcome.failure?.stage == .downloadVocal || outcome.failure?.stage == .downloadModel)
        #expect(try await fixture.server.eventually { try $0.clientHungUp(tag) })
        try fixture.server.release(tag)
    }
}
