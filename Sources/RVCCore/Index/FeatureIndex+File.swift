extension FeatureIndex {
    /// Builds the searchable index from a faiss IVF-Flat file.
    /// - Throws: ``FeatureIndexError/invalid(_:)`` for a metric other than L2 (RVC's indexes are
    ///   all L2) or inconsistent parts.
    public convenience init(file: FaissIndexFile, device: Device = .cpu) throws {
        guard file.metric == .l2 else {
            throw FeatureIndexError.invalid("\(file.url.path) uses the \(file.metric) metric; RVC indexes use L2")
        }
        let lists = (0..<file.nlist).map { l -> List in
            let (ids, vectors) = file.list(l)
            return List(ids: Array(ids), vectors: Array(vectors))
        }
        try self.init(
            dimension: file.dimension, centroids: file.centroids, lists: lists, probeCount: file.nprobe, device: device)
    }
}
