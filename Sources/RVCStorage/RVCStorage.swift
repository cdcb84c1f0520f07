/// RVCStorage: downloads with a content cache, S3-compatible uploads and presigned URLs.
///
/// Knows nothing about audio or models.
public enum RVCStorage {}
