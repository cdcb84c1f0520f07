extension FeatureIndex {
    /// Builds the searchable index from a faiss IVF-Flat file.
    /// - Throws: ``FeatureIndexError/invalid(_:)`` for a metric other than L2 (RVC's indexes are
    ///   all L2) or inconsistent parts.
    public convenience init(file: FaissIndexFile, device: Device = .cpu) throws {
        guard file.metric == .l2 else {
            throw FeatureIndexError.invalid("\(file.url.path) uses the \(file.metric) metric; RVC indexes use L2")
        }
        try self.init(
            dimension: file.dimension, centroids: file.centroids, vectors: file.vectors, ids: file.ids,
            listSizes: file.listSizes, probeCount: file.nprobe, device: device)
    }
}
