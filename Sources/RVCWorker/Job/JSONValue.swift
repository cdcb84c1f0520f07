import Foundation

/// A JSON value that keeps integers and floating-point numbers apart, so the job schema can tell
/// `3` from `3.5` and `true` from `1`.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Deepest nesting of arrays and objects ``parse(_:)-(Data)`` accepts. Job inputs are flat and
    /// the platform's envelopes add a few levels; decoding time grows with the square of the depth
    /// (every failed type probe carries the whole coding path), so a deep document is refused first.
    public static let maxDepth = 64

    /// Parses JSON text.
    /// - Throws: `DecodingError` when the text is not JSON or nests deeper than ``maxDepth``.
    public static func parse(_ data: Data) throws -> JSONValue {
        try checkDepth(data)
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Refuses text whose arrays and objects nest deeper than ``maxDepth`` (brackets inside strings
    /// do not count), in one pass before any decoding.
    private static func checkDepth(_ data: Data) throws {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                guard depth <= maxDepth else {
                    throw DecodingError.dataCorrupted(DecodingError.Context(
                        codingPath: [], debugDescription: "The JSON nests arrays and objects deeper than \(maxDepth) levels."))
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
    }

    /// Parses JSON text given as a string.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8))
    }

    /// Compact JSON in raw UTF-8 (non-ASCII and `/` unescaped), keys sorted for stable output.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail except for non-finite doubles, which are mapped to null
        // before they get here (see `number(_:)`).
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// The value as compact JSON text.
    public var jsonText: String { String(decoding: encoded(), as: UTF8.self) }

    /// A JSON number for a Double, or null when it is not finite (JSON has no NaN or infinity).
    public static func number(_ value: Double) -> JSONValue { value.isFinite ? .double(value) : .null }

    /// The members of an object, or nil.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The string, or nil.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Member lookup on objects; nil for other values or absent keys.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// The JSON type name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Python-like truthiness, as the RunPod SDK applies it to `error` and `refresh_worker`.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .string(let value): !value.isEmpty
        case .array(let value): !value.isEmpty
        case .object(let value): !value.isEmpty
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements) { _, last in last })
    }

    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
