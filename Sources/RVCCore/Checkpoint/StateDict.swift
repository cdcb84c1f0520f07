/// Named weights of one network, in file order.
///
/// Keys are the dotted PyTorch names with any container prefix removed (for example
/// `enc_p.emb_phone.weight` for a voice model, `encoder.layers.0.fc1.weight` for HuBERT).
/// Networks read their weights through ``require(_:shape:)`` so that a missing or mis-shaped weight
/// is an error naming the key, never a silent default.
public struct StateDict: Sendable {
    /// The tensors by key.
    public let tensors: [String: Tensor]
    /// Keys in the order the file stored them.
    public let keys: [String]
    /// The file (or other source) the weights came from, for error messages.
    public let source: String

    /// Creates a state dict from ordered `(key, tensor)` pairs; later duplicates replace earlier ones.
    public init(_ entries: [(String, Tensor)], source: String) {
        var tensors: [String: Tensor] = [:]
        var keys: [String] = []
        for (key, tensor) in entries {
            if tensors.updateValue(tensor, forKey: key) == nil { keys.append(key) }
        }
        self.tensors = tensors
        self.keys = keys
        self.source = source
    }

    /// The tensor stored under `key`, or nil.
    public subscript(key: String) -> Tensor? { tensors[key] }

    /// True when `key` is present.
    public func contains(_ key: String) -> Bool { tensors[key] != nil }

    /// The tensor stored under `key`, checked against `shape` when given (-1 matches any size).
    /// - Throws: ``WeightError/missing(key:source:)`` or ``WeightError/shape(key:expected:actual:source:)``.
    public func require(_ key: String, shape: [Int]? = nil) throws -> Tensor {
        guard let tensor = tensors[key] else { throw WeightError.missing(key: key, source: source) }
        if let shape {
            let actual = tensor.shape
            let matches = actual.count == shape.count && zip(actual, shape).allSatisfy { $1 < 0 || $0 == $1 }
            if !matches { throw WeightError.shape(key: key, expected: shape, actual: actual, source: source) }
        }
        return tensor
    }

    /// The entries whose key starts with `prefix`, with the prefix removed.
    public func scoped(_ prefix: String) -> StateDict {
        let entries = keys.filter { $0.hasPrefix(prefix) }.compactMap { key -> (String, Tensor)? in
            guard let t = tensors[key] else { return nil }
            return (String(key.dropFirst(prefix.count)), t)
        }
        return StateDict(entries, source: source)
    }

    /// The number of consecutive indices `prefix0.`, `prefix1.`, ... present (e.g. layers of a list).
    public func countIndexed(_ prefix: String) -> Int {
        var n = 0
        while keys.contains(where: { $0.hasPrefix("\(prefix)\(n).") }) { n += 1 }
        return n
    }

    /// Total number of elements over all tensors.
    public var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.count } }
}

/// A network's weights do not match what it needs.
public enum WeightError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A required weight is absent.
    case missing(key: String, source: String)
    /// A weight has the wrong shape.
    case shape(key: String, expected: [Int], actual: [Int], source: String)
    /// The weights imply an architecture this implementation cannot build.
    case unsupported(String, source: String)

    public var description: String {
        switch self {
        case .missing(let key, let source):
            return "\(source): missing weight '\(key)'"
        case .shape(let key, let expected, let actual, let source):
            return "\(source): weight '\(key)' has shape \(actual), expected \(expected.map { $0 < 0 ? "*" : String($0) })"
        case .unsupported(let what, let source):
            return "\(source): \(what)"
        }
    }
}
