/// Identity of this worker build.
public enum RVCWorkerInfo {
    /// The rvc-nano version, sent in User-Agent headers.
    public static let version = "0.1.0"
}
