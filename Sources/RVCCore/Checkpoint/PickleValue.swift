/// A value decoded from a PyTorch checkpoint's pickle, as plain data.
///
/// Nothing in a checkpoint is ever imported or called: the allow-listed PyTorch constructors
/// (tensors, `OrderedDict`) are rebuilt natively, the allow-listed plain-data classes become inert
/// ``PickleObject``s holding the arguments and state the file gave them, so fields of e.g.
/// fairseq's `Dictionary`, `argparse.Namespace` or omegaconf's `DictConfig` can still be read, and
/// a file naming any other global is refused (``CheckpointError/forbiddenGlobal(file:member:offset:global:)``).
public indirect enum PickleValue: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits: little-endian two's-complement bytes as pickled.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    case set([PickleValue])
    case dict(PickleDict)
    /// A tensor (zero-copy view of the file where possible).
    case tensor(Tensor)
    /// A reference to a class or function, by name only.
    case global(module: String, name: String)
    /// An instance of an allow-listed data class (or a typed storage class), inert.
    case object(PickleObject)
    /// A back-reference to a container that encloses this one (cycles are cut here).
    case recursive

    /// The entry under string key `key` of a dict, or nil.
    public subscript(key: String) -> PickleValue? {
        if case .dict(let dict) = self { return dict[key] }
        return nil
    }

    /// The value as an integer (bools count as 0/1), or nil.
    public var intValue: Int? {
        switch self {
        case .int(let v): return v
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The value as a Double (ints widen), or nil.
    public var doubleValue: Double? {
        switch self {
        case .float(let v): return v
        case .int(let v): return Double(v)
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The string, or nil.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The elements of a list or tuple, or nil.
    public var elements: [PickleValue]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }

    /// The tensor, or nil.
    public var tensorValue: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    /// A short name of the value's kind, for messages.
    public var kindName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .list: return "list"
        case .tuple: return "tuple"
        case .set: return "set"
        case .dict: return "dict"
        case .tensor: return "tensor"
        case .global(let module, let name): return "class \(module).\(name)"
        case .object(let object): return "\(object.module).\(object.name) object"
        case .recursive: return "recursive reference"
        }
    }
}

/// An insertion-ordered dictionary from the pickle (`dict` or `collections.OrderedDict`).
public struct PickleDict: Sendable {
    /// Entries in insertion order. Keys are usually strings but may be any value.
    public let entries: [(key: PickleValue, value: PickleValue)]
    /// State applied by BUILD (e.g. a state dict's `_metadata`), if any.
    public let state: PickleValue?
    private let stringIndex: [String: Int]

    init(entries: [(key: PickleValue, value: PickleValue)], state: PickleValue?) {
        self.entries = entries
        self.state = state
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            if case .string(let key) = entry.key { index[key] = i }
        }
        stringIndex = index
    }

    /// The value under string key `key` (the last one if repeated), or nil.
    public subscript(key: String) -> PickleValue? {
        guard let i = stringIndex[key] else { return nil }
        return entries[i].value
    }

    /// The string keys, in order.
    public var stringKeys: [String] {
        entries.compactMap { if case .string(let k) = $0.key { return k } else { return nil } }
    }

    public var count: Int { entries.count }
}

/// An inert instance of an allow-listed data class (created by REDUCE, NEWOBJ or NEWOBJ_EX): a
/// record of what the file gave it, never constructed.
public struct PickleObject: Sendable {
    /// The class's module and name as written in the file (e.g. `argparse`, `Namespace`).
    public let module: String
    public let name: String
    /// Constructor arguments as pickled (never used to call anything).
    public let arguments: [PickleValue]
    /// The state given by BUILD (usually a dict of attributes), if any.
    public let state: PickleValue?
    /// Items appended with APPEND(S) and pairs set with SETITEM(S), if any.
    public let listItems: [PickleValue]
    public let dictItems: [(key: PickleValue, value: PickleValue)]

    /// The attribute `name` from the BUILD state (a dict, or the first dict of a `(dict, slots)` pair).
    public func attribute(_ name: String) -> PickleValue? {
        switch state {
        case .dict(let dict)?:
            return dict[name]
        case .tuple(let parts)?:
            for part in parts { if case .dict(let dict) = part, let v = dict[name] { return v } }
            return nil
        default:
            return nil
        }
    }

    /// `module.name`.
    public var qualifiedName: String { "\(module).\(name)" }
}
