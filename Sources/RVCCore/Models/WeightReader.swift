/// Reads a network's weights out of a ``StateDict`` once, at load: checks each shape and converts
/// the tensor to the compute dtype and device, so that nothing is prepared per call.
///
/// A float32 weight that already lives on the target device is used as is (no copy); float16
/// storage is widened when the compute dtype is float32.
struct WeightReader {
    let weights: StateDict
    let device: Device
    let dtype: DType
    /// Prepended to every key (e.g. `encoder.layers.3.`), so blocks can read their own names.
    let prefix: String

    init(_ weights: StateDict, device: Device, dtype: DType, prefix: String = "") {
        self.weights = weights
        self.device = device
        self.dtype = dtype
        self.prefix = prefix
    }

    /// A reader for the keys under `prefix` + `scope`.
    func scoped(_ scope: String) -> WeightReader {
        WeightReader(weights, device: device, dtype: dtype, prefix: prefix + scope)
    }

    /// The weight `key` in the compute dtype on the device.
    /// - Throws: ``WeightError`` naming the full key when it is missing or mis-shaped.
    func tensor(_ key: String, shape: [Int]) throws -> Tensor {
        try weights.require(prefix + key, shape: shape).to(dtype: dtype, device: device)
    }

    /// The weight `key` for ``StoredWeight``: a half-precision weight that a float32 network uses
    /// on the CPU stays in half precision (in memory of its own, so the checkpoint's mapping can
    /// go); anything else is converted once, here, as ``tensor(_:shape:)`` does.
    func stored(_ key: String, shape: [Int]) throws -> StoredWeight {
        let raw = try weights.require(prefix + key, shape: shape)
        let half = raw.dtype == .float16 || raw.dtype == .bfloat16
        if half, dtype == .float32, device == .cpu, raw.device == .cpu {
            return StoredWeight(stored: try raw.clone(), dtype: dtype)
        }
        return StoredWeight(stored: try raw.to(dtype: dtype, device: device), dtype: dtype)
    }

    /// The weight `key` in float32 on the device, for the few parameters the reference always
    /// applies in float32 (group/layer norms of the HuBERT conv extractor).
    func float32(_ key: String, shape: [Int]) throws -> Tensor {
        try weights.require(prefix + key, shape: shape).to(dtype: .float32, device: device)
    }

    /// The weight `key` in the compute dtype, or nil when the checkpoint has no such key.
    func optional(_ key: String, shape: [Int]) throws -> Tensor? {
        contains(key) ? try tensor(key, shape: shape) : nil
    }

    /// True when `key` is present.
    func contains(_ key: String) -> Bool { weights.contains(prefix + key) }

    /// The number of consecutive indices `key0.`, `key1.`, ... present.
    func countIndexed(_ key: String) -> Int { weights.countIndexed(prefix + key) }

    /// The shape of `key`, or a ``WeightError/missing(key:source:)`` naming it.
    func shape(of key: String) throws -> [Int] {
        try weights.require(prefix + key).shape
    }

    /// A ``WeightError/unsupported(_:source:)`` for an architecture this code cannot build.
    func unsupported(_ what: String) -> WeightError {
        WeightError.unsupported(what, source: weights.source)
    }
}
