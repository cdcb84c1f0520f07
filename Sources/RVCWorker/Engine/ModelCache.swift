/// A small LRU of loaded voice models keyed by the content hashes of the checkpoint and index, so a
/// model sent again under another URL is not loaded twice.
public actor ModelCache {
    /// How many models stay loaded. Default 3.
    public let capacity: Int
    private var entries: [(key: String, model: any LoadedVoiceModel)] = []
    /// Lookups that found a loaded model.
    public private(set) var hits = 0
    /// Lookups that had to load.
    public private(set) var misses = 0

    public init(capacity: Int = 3) {
        self.capacity = max(1, capacity)
    }

    /// The cache key for a checkpoint hash and an optional index hash.
    public static func key(modelSHA256: String, indexSHA256: String?) -> String {
        modelSHA256 + "+" + (indexSHA256 ?? "none")
    }

    /// The model for `key`, marked most recently used; nil when it is not loaded.
    public func model(for key: String) -> (any LoadedVoiceModel)? {
        guard let position = entries.firstIndex(where: { $0.key == key }) else {
            misses += 1
            return nil
        }
        hits += 1
        let entry = entries.remove(at: position)
        entries.append(entry)
        return entry.model
    }

    /// Stores a freshly loaded model, evicting the least recently used one when full.
    public func insert(_ model: any LoadedVoiceModel, for key: String) {
        entries.removeAll { $0.key == key }
        entries.append((key, model))
        while entries.count > capacity { entries.removeFirst() }
    }

    /// Number of loaded models.
    public var count: Int { entries.count }
}
