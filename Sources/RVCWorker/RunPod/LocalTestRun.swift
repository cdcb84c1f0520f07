import Foundation

/// The one-shot local test of the RunPod SDK (`docs/runpod-protocol.md` §14.2): one job from
/// `--test-input` JSON text or `./test_input.json`, run once with no network traffic to the
/// platform; the result is printed in its job-done shape.
public enum LocalTestRun {
    /// Why a test job could not be run.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noInput
        case invalidJSON(source: String, message: String)
        case missingInput(source: String)

        public var description: String {
            switch self {
            case .noInput: "no test input: pass --test-input JSON or put a test_input.json in the current directory"
            case .invalidJSON(let source, let message): "\(source) is not valid JSON: \(message)"
            case .missingInput(let source): "\(source) has no 'input' object"
            }
        }
    }

    /// Reads the job: `text` when given, else `test_input.json` in `directory`. `id` defaults to
    /// `local_test`.
    /// - Throws: ``Failure``.
    public static func loadJob(text: String?, directory: URL) throws(Failure) -> JSONValue {
        let source: String
        let data: Data
        if let text {
            source = "--test-input"
            data = Data(text.utf8)
        } else {
            let file = directory.appendingPathComponent("test_input.json")
            guard let contents = try? Data(contentsOf: file) else { throw .noInput }
            source = file.path
            data = contents
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            throw .invalidJSON(source: source, message: String(describing: error))
        }
        guard case .object(var members) = value, let input = members["input"], input != .null else {
            throw .missingInput(source: source)
        }
        if members["id"] == nil { members["id"] = "local_test" }
        return .object(members)
    }

    /// Runs the job and returns the job-done body.
    public static func run(job: JSONValue, handler: RunPodWorker.Handler) async -> JSONValue {
        do {
            return RunPodResult.body(for: try await handler(job))
        } catch {
            return RunPodResult.body(forThrown: error, workerID: "local", hostname: "unknown")
        }
    }
}
