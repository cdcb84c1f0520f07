/// Typed reads of checkpoint fields for the model views, each failure a
/// ``CheckpointError/structure(file:field:message:)`` naming the file and field.
struct CheckpointFields {
    let file: String

    func error(_ field: String, _ message: String) -> CheckpointError {
        .structure(file: file, field: field, message: message)
    }

    /// The top-level value as a dict.
    func dict(_ value: PickleValue?, _ field: String) throws -> PickleDict {
        guard let value else { throw error(field, "is missing") }
        guard case .dict(let dict) = value else { throw error(field, "is a \(value.kindName), expected a dict") }
        return dict
    }

    func int(_ value: PickleValue?, _ field: String) throws -> Int {
        guard let value else { throw error(field, "is missing") }
        if let i = value.intValue { return i }
        if case .float(let d) = value, d.rounded() == d, abs(d) < 1e15 { return Int(d) }
        throw error(field, "is a \(value.kindName), expected an integer")
    }

    func double(_ value: PickleValue?, _ field: String) throws -> Double {
        guard let value else { throw error(field, "is missing") }
        guard let d = value.doubleValue else { throw error(field, "is a \(value.kindName), expected a number") }
        return d
    }

    func string(_ value: PickleValue?, _ field: String) throws -> String {
        guard let value else { throw error(field, "is missing") }
        guard let s = value.stringValue else { throw error(field, "is a \(value.kindName), expected a string") }
        return s
    }

    func bool(_ value: PickleValue?, _ field: String) throws -> Bool {
        try int(value, field) != 0
    }

    func list(_ value: PickleValue?, _ field: String) throws -> [PickleValue] {
        guard let value else { throw error(field, "is missing") }
        guard let items = value.elements else { throw error(field, "is a \(value.kindName), expected a list") }
        return items
    }

    func intList(_ value: PickleValue?, _ field: String) throws -> [Int] {
        try list(value, field).enumerated().map { try int($0.element, "\(field)[\($0.offset)]") }
    }

    /// A name → tensor dict as a ``StateDict`` (file order); every value must be a tensor.
    func stateDict(_ value: PickleValue?, _ field: String) throws -> StateDict {
        let dict = try self.dict(value, field)
        var entries: [(String, Tensor)] = []
        entries.reserveCapacity(dict.count)
        for (key, value) in dict.entries {
            guard case .string(let name) = key else { throw error(field, "has a non-string key (\(key.kindName))") }
            guard case .tensor(let tensor) = value else {
                throw error("\(field).\(name)", "is a \(value.kindName), expected a tensor")
            }
            entries.append((name, tensor))
        }
        return StateDict(entries, source: file)
    }
}
