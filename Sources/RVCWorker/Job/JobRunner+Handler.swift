extension JobRunner {
    /// The runner as a RunPod handler: runs the job's `input` and returns the handler output.
    public var handler: RunPodWorker.Handler {
        { job in
            let id: String? = switch job["id"] {
            case .string(let value)?: value
            case .int(let value)?: String(value)
            default: nil
            }
            return await self.run(input: job["input"], jobID: id).output
        }
    }
}
