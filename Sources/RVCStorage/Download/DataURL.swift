import Foundation

/// A parsed `data:` URL (RFC 2397): `data:[<media type>][;base64],<data>`.
///
/// Both encodings are accepted: base64 (with or without `=` padding, whitespace ignored, percent
/// escapes decoded first) and percent-encoding. The media type and its parameters are kept as given.
public struct DataURL: Sendable, Equatable {
    /// The media type without parameters, lowercased, e.g. `audio/wav`; `text/plain` when absent
    /// (the RFC 2397 default).
    public let mediaType: String
    /// Parameters such as `charset=utf-8`, in order, names lowercased, values as written.
    public let parameters: [Parameter]
    /// Whether the payload was base64.
    public let isBase64: Bool
    /// The decoded bytes.
    public let data: Data

    /// One `name=value` media-type parameter.
    public struct Parameter: Sendable, Equatable {
        public let name: String
        public let value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Parses and decodes `string`.
    /// - Parameter maxBytes: refuse payloads that decode to more than this many bytes.
    /// - Throws: ``StorageError/invalidDataURL(reason:)`` when the URL is malformed, and
    ///   ``StorageError/tooLarge(url:limit:)`` when it decodes to more than `maxBytes`.
    public init(_ string: String, maxBytes: Int64? = nil) throws(StorageError) {
        guard string.utf8.count >= 5, string.prefix(5).lowercased() == "data:" else {
            throw .invalidDataURL(reason: "it does not start with 'data:'")
        }
        let afterScheme = string.dropFirst(5)
        guard let comma = afterScheme.firstIndex(of: ",") else {
            throw .invalidDataURL(reason: "there is no ',' between the media type and the data")
        }
        var headerParts = afterScheme[..<comma].split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var base64 = false
        if headerParts.count > 1, headerParts.last?.lowercased() == "base64" {
            base64 = true
            headerParts.removeLast()
        }
        let type = headerParts.first?.lowercased() ?? ""
        if !type.isEmpty {
            let halves = type.split(separator: "/", omittingEmptySubsequences: false)
            guard halves.count == 2, !halves[0].isEmpty, !halves[1].isEmpty,
                  type.allSatisfy({ !$0.isWhitespace && $0 != "," })
            else { throw .invalidDataURL(reason: "media type '\(type)' is not of the form type/subtype") }
        }
        var parameters: [Parameter] = []
        for part in headerParts.dropFirst() where !part.isEmpty {
            guard let equals = part.firstIndex(of: "="), equals != part.startIndex else {
                throw .invalidDataURL(reason: "parameter '\(part)' is not of the form name=value")
            }
            parameters.append(Parameter(
                name: part[..<equals].lowercased(), value: String(part[part.index(after: equals)...])))
        }
        let payload = afterScheme[afterScheme.index(after: comma)...]
        let limit = maxBytes.map { Int($0) }

        // Refuse before decoding when even the smallest decoding of the text is too big (every
        // byte percent-escaped: 3 characters per byte, then 4 base64 characters per 3 bytes).
        if let limit {
            let lowerBound = base64 ? payload.utf8.count / 4 - 3 : payload.utf8.count / 3
            if lowerBound > limit {
                throw .tooLarge(url: RedactedURL(string).description, limit: Int64(limit))
            }
        }
        let bytes = try Self.percentDecode(payload)
        let decoded: Data
        if base64 {
            decoded = try Self.base64Decode(bytes)
        } else {
            decoded = Data(bytes)
        }
        if let limit, decoded.count > limit {
            throw .tooLarge(url: RedactedURL(string).description, limit: Int64(limit))
        }
        mediaType = type.isEmpty ? "text/plain" : type
        self.parameters = type.isEmpty && parameters.isEmpty
            ? [Parameter(name: "charset", value: "US-ASCII")] : parameters
        isBase64 = base64
        data = decoded
    }

    /// The value of a parameter, name matched case-insensitively.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name.lowercased() }?.value
    }

    private static func percentDecode(_ text: Substring) throws(StorageError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < utf8.count, let high = hexValue(utf8[index + 1]),
                      let low = hexValue(utf8[index + 2])
                else {
                    throw .invalidDataURL(reason: "bad percent-escape at character \(index) of the data")
                }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func base64Decode(_ bytes: [UInt8]) throws(StorageError) -> Data {
        var text = bytes.filter { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        while text.last == UInt8(ascii: "=") { text.removeLast() }
        guard text.count % 4 != 1 else {
            throw .invalidDataURL(reason: "base64 data has an impossible length (\(text.count) characters)")
        }
        text.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - text.count % 4) % 4))
        guard let data = Data(base64Encoded: Data(text)) else {
            throw .invalidDataURL(reason: "the data is not valid base64")
        }
        return data
    }
}
