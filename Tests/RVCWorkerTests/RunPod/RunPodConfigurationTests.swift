import Foundation
import Testing
@testable import RVCWorker

@Suite struct RunPodConfigurationTests {
    private let environment = [
        "RUNPOD_WEBHOOK_GET_JOB": "https://api.runpod.ai/v2/ep1/job-take/$ID?gpu=A100",
        "RUNPOD_WEBHOOK_POST_OUTPUT": "https://api.runpod.ai/v2/ep1/job-done/$RUNPOD_POD_ID/$ID?gpu=A100",
        "RUNPOD_WEBHOOK_PING": "https://api.runpod.ai/v2/ep1/ping/$RUNPOD_POD_ID",
        "RUNPOD_AI_API_KEY": "key", "RUNPOD_POD_ID": "w42", "RUNPOD_PING_INTERVAL": "2500",
    ]

    @Test func withoutGetJobItIsLocalMode() {
        #expect(RunPodConfiguration.fromEnvironment([:]) == nil)
        #expect(RunPodConfiguration.fromEnvironment(["RUNPOD_WEBHOOK_GET_JOB": ""]) != nil)
    }

    @Test func placeholdersAreSubstitutedAsThePlatformExpects() throws {
        let configuration = try #require(RunPodConfiguration.fromEnvironment(environment))
        #expect(configuration.jobTakeURL(jobInProgress: false) == "https://api.runpod.ai/v2/ep1/job-take/w42?gpu=A100&job_in_progress=0")
        #expect(configuration.jobTakeURL(jobInProgress: true).hasSuffix("&job_in_progress=1"))
        #expect(configuration.jobDoneURL(jobID: "j-1") == "https://api.runpod.ai/v2/ep1/job-done/w42/j-1?gpu=A100&isStream=false")
        #expect(configuration.pingURL(jobIDs: []) == "https://api.runpod.ai/v2/ep1/ping/w42?runpod_version=1.12.0")
        #expect(configuration.pingURL(jobIDs: ["a", "b"]) == "https://api.runpod.ai/v2/ep1/ping/w42?job_id=a%2Cb&runpod_version=1.12.0")
    }

    @Test func batchAndStopURLsAreDerivedFromJobTake() throws {
        let configuration = try #require(RunPodConfiguration.fromEnvironment(environment))
        #expect(configuration.jobTakeURL(batchSize: 3, jobInProgress: true)
            == "https://api.runpod.ai/v2/ep1/job-take-batch/w42?gpu=A100&batch_size=3&job_in_progress=1")
        #expect(configuration.jobTakeURL(batchSize: 1, jobInProgress: false) == configuration.jobTakeURL(jobInProgress: false))
        #expect(configuration.jobStopURL == "https://api.runpod.ai/v2/ep1/job-stop/w42?gpu=A100")
        var bare = environment
        bare["RUNPOD_WEBHOOK_GET_JOB"] = "http://sim/v2/ep1/job-take/$ID?"
        let trailing = try #require(RunPodConfiguration.fromEnvironment(bare))
        #expect(trailing.jobTakeURL(batchSize: 2, jobInProgress: false) == "http://sim/v2/ep1/job-take-batch/w42?batch_size=2&job_in_progress=0")
        // Without /job-take/ there is nothing to rewrite: single takes, no stop channel.
        bare["RUNPOD_WEBHOOK_GET_JOB"] = "http://sim/next-job/$ID"
        let other = try #require(RunPodConfiguration.fromEnvironment(bare))
        #expect(other.jobTakeURL(batchSize: 4, jobInProgress: false) == "http://sim/next-job/w42?job_in_progress=0")
        #expect(other.jobStopURL == nil)
    }

    @Test func takeAnswersThatAreNotJobsAreTold() throws {
        func parse(_ text: String) -> Result<[JSONValue], RunPodWorker.TakeProblem> {
            RunPodWorker.parseJobs(HTTPClientResponse(status: 200, headers: [:], body: Data(text.utf8)))
        }
        #expect(try parse("").get().isEmpty)
        #expect(try parse(#"{"id": "a", "input": {}}"#).get().count == 1)
        #expect(try parse(#"[{"id": "a", "input": {}}, {"id": "b"}, 3]"#).get().count == 1)
        #expect(throws: RunPodWorker.TakeProblem.notJSON) { try parse("<html>").get() }
        #expect(throws: RunPodWorker.TakeProblem.self) { try parse(#"{"id": "a"}"#).get() }
        #expect(throws: RunPodWorker.TakeProblem.self) { try parse("42").get() }
        #expect(RunPodWorker.jobsToStop(Data(#"{"jobsToStop": ["a", 7, "b"]}"#.utf8)) == ["a", "b"])
        #expect(RunPodWorker.jobsToStop(Data(#"{"other": 1}"#.utf8)).isEmpty)
        #expect(RunPodWorker.jobsToStop(Data("nope".utf8)).isEmpty)
    }

    @Test func pingIntervalIsWholeSecondsAtLeastOne() throws {
        #expect(try #require(RunPodConfiguration.fromEnvironment(environment)).pingInterval == .seconds(2))
        var fast = environment
        fast["RUNPOD_PING_INTERVAL"] = "300"
        #expect(try #require(RunPodConfiguration.fromEnvironment(fast)).pingInterval == .seconds(1))
    }

    @Test func heartbeatNeedsKeyPodIDAndPingURL() throws {
        for missing in ["RUNPOD_AI_API_KEY", "RUNPOD_POD_ID", "RUNPOD_WEBHOOK_PING"] {
            var partial = environment
            partial.removeValue(forKey: missing)
            #expect(try #require(RunPodConfiguration.fromEnvironment(partial)).pingURL == nil)
        }
    }

    @Test func queryIsAppendedWithQuestionMarkOrAmpersand() {
        #expect(RunPodConfiguration.appending("a=1", to: "http://h/p") == "http://h/p?a=1")
        #expect(RunPodConfiguration.appending("a=1", to: "http://h/p?") == "http://h/p?a=1")
        #expect(RunPodConfiguration.appending("a=1", to: "http://h/p?x=2") == "http://h/p?x=2&a=1")
    }
}
