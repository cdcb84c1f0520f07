/// RVCWorker: the RunPod serverless job, its schema, and the local HTTP API.
public enum RVCWorker {}
