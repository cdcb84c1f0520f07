import Foundation

/// The RunPod queue-worker settings, read from the environment the platform injects
/// (`docs/runpod-protocol.md` §2), with the URL placeholders already substituted (§2.3).
public struct RunPodConfiguration: Sendable, Equatable {
    /// The job-take URL, `$ID` (and `$RUNPOD_POD_ID`) replaced by the worker id.
    public var jobTakeURL: String
    /// The job-done template with `$RUNPOD_POD_ID` replaced; `$ID` is replaced per job.
    public var jobDoneTemplate: String
    /// The heartbeat URL, or nil when the heartbeat is off (no key, no pod id or no ping URL).
    public var pingURL: String?
    /// Sent as-is in `Authorization` (no `Bearer`).
    public var apiKey: String
    /// `RUNPOD_POD_ID`, or a random UUID.
    public var workerID: String
    /// Time between pings, whole seconds, at least 1 s (`RUNPOD_PING_INTERVAL` is in milliseconds).
    public var pingInterval: Duration
    /// `RUNPOD_POD_HOSTNAME`, for error reports.
    public var hostname: String
    /// Jobs run at once (`RVC_WORKER_CONCURRENCY`, default 1).
    public var concurrency: Int
    /// Result posts: total attempts on 5xx, 429 and transport errors (default 8).
    public var resultAttempts: Int = 8
    /// Delay before the first retry of a result post, doubled each time up to `maxRetryDelay`.
    public var retryDelay: Duration = .seconds(1)
    public var maxRetryDelay: Duration = .seconds(30)
    /// Client limit of the job-take long-poll (§3.2).
    public var jobTakeTimeout: Duration = .seconds(90)
    /// Delay before the job-take after a failed one (5xx, a transport error, an answer that is not
    /// a job), doubled each time up to `maxTakeRetryDelay`; the SDK re-polls at once and spins.
    public var takeRetryDelay: Duration = .seconds(1)
    public var maxTakeRetryDelay: Duration = .seconds(5)
    /// Client limit of the job-stop long-poll (§9).
    public var jobStopTimeout: Duration = .seconds(90)
    /// Wait between job-stop polls after an answer without jobs to stop or an error (§9: 1 s).
    public var stopPollDelay: Duration = .seconds(1)
    /// Limit of one job-done attempt without progress; a hanging attempt is abandoned and retried.
    public var resultTimeout: Duration = .seconds(120)

    /// The protocol level implemented, sent as `runpod_version` (the SDK release whose wire
    /// behaviour `docs/runpod-protocol.md` describes).
    public static let protocolVersion = "1.12.0"

    public init(
        jobTakeURL: String, jobDoneTemplate: String, pingURL: String?, apiKey: String, workerID: String,
        pingInterval: Duration = .seconds(10), hostname: String = "unknown", concurrency: Int = 1
    ) {
        self.jobTakeURL = jobTakeURL
        self.jobDoneTemplate = jobDoneTemplate
        self.pingURL = pingURL
        self.apiKey = apiKey
        self.workerID = workerID
        self.pingInterval = pingInterval
        self.hostname = hostname
        self.concurrency = max(1, concurrency)
    }

    /// The configuration for production mode, or nil when `RUNPOD_WEBHOOK_GET_JOB` is unset (local
    /// test mode, §1).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> RunPodConfiguration? {
        guard let getJob = environment["RUNPOD_WEBHOOK_GET_JOB"] else { return nil }
        let podID = environment["RUNPOD_POD_ID"] ?? ""
        let workerID = podID.isEmpty ? UUID().uuidString.lowercased() : podID
        let apiKey = environment["RUNPOD_AI_API_KEY"] ?? ""
        let substitute = { (template: String) in template.replacingOccurrences(of: "$RUNPOD_POD_ID", with: workerID) }
        let ping = environment["RUNPOD_WEBHOOK_PING"].flatMap { $0.isEmpty || $0 == "PING_NOT_SET" ? nil : $0 }
        let heartbeatOn = !apiKey.isEmpty && !podID.isEmpty && ping != nil
        let milliseconds = Int(environment["RUNPOD_PING_INTERVAL"] ?? "") ?? 10_000
        var configuration = RunPodConfiguration(
            jobTakeURL: substitute(getJob).replacingOccurrences(of: "$ID", with: workerID),
            jobDoneTemplate: substitute(environment["RUNPOD_WEBHOOK_POST_OUTPUT"] ?? "JOB_DONE_URL"),
            pingURL: heartbeatOn ? ping.map(substitute) : nil,
            apiKey: apiKey, workerID: workerID,
            pingInterval: .seconds(max(1, milliseconds / 1000)),
            hostname: environment["RUNPOD_POD_HOSTNAME"] ?? "unknown",
            concurrency: Int(environment["RVC_WORKER_CONCURRENCY"] ?? "") ?? 1)
        if let attempts = environment["RVC_RESULT_ATTEMPTS"].flatMap(Int.init), attempts > 0 {
            configuration.resultAttempts = attempts
        }
        if let delay = environment["RVC_RESULT_RETRY_DELAY_MS"].flatMap(Int.init), delay >= 0 {
            configuration.retryDelay = .milliseconds(delay)
        }
        return configuration
    }

    /// The job-done URL of one job.
    public func jobDoneURL(jobID: String, isStream: Bool = false) -> String {
        Self.appending("isStream=\(isStream)", to: jobDoneTemplate.replacingOccurrences(of: "$ID", with: jobID))
    }

    /// The job-take URL with `job_in_progress`.
    public func jobTakeURL(jobInProgress: Bool) -> String {
        Self.appending("job_in_progress=\(jobInProgress ? 1 : 0)", to: jobTakeURL)
    }

    /// The URL asking for up to `batchSize` jobs (§4.1): `/job-take/` becomes `/job-take-batch/`,
    /// then `batch_size` and `job_in_progress`. A single job-take URL when `batchSize` is 1 or the
    /// URL has no `/job-take/` to rewrite.
    public func jobTakeURL(batchSize: Int, jobInProgress: Bool) -> String {
        guard batchSize > 1, jobTakeURL.contains("/job-take/") else { return jobTakeURL(jobInProgress: jobInProgress) }
        let batch = jobTakeURL.replacingOccurrences(of: "/job-take/", with: "/job-take-batch/")
        return Self.appending("job_in_progress=\(jobInProgress ? 1 : 0)", to: Self.appending("batch_size=\(batchSize)", to: batch))
    }

    /// The stop channel (§9): the job-take URL with `/job-take/` replaced by `/job-stop/`; nil
    /// (channel off) when it has no `/job-take/`.
    public var jobStopURL: String? {
        guard jobTakeURL.contains("/job-take/") else { return nil }
        return jobTakeURL.replacingOccurrences(of: "/job-take/", with: "/job-stop/")
    }

    /// The ping URL with the in-flight job ids (comma-joined, percent-encoded) and the version.
    public func pingURL(jobIDs: [String]) -> String? {
        guard var url = pingURL else { return nil }
        if !jobIDs.isEmpty {
            let joined = jobIDs.joined(separator: ",")
            let encoded = joined.addingPercentEncoding(withAllowedCharacters: Self.queryValueCharacters) ?? joined
            url = Self.appending("job_id=\(encoded)", to: url)
        }
        return Self.appending("runpod_version=\(Self.protocolVersion)", to: url)
    }

    /// Appends a query parameter with `?` when the URL has no query yet, `&` otherwise; a bare
    /// trailing `?` is reused (§2.3).
    static func appending(_ parameter: String, to url: String) -> String {
        if url.hasSuffix("?") || url.hasSuffix("&") { return url + parameter }
        return url + (url.contains("?") ? "&" : "?") + parameter
    }

    private static let queryValueCharacters: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()
}
