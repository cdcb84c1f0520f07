import Foundation

/// The fields of an S3 XML error body:
/// `<Error><Code>NoSuchKey</Code><Message>...</Message><RequestId>...</RequestId></Error>`.
///
/// The document is flat and small, so the three elements are read directly rather than through a
/// general XML parser.
struct S3ErrorDocument: Sendable, Equatable {
    var code: String?
    var message: String?
    var requestID: String?

    /// Reads the fields; all nil when `body` is not an S3 error document.
    init(_ body: Data) {
        let text = String(decoding: body, as: UTF8.self)
        guard text.contains("<Error") else { return }
        code = Self.element("Code", in: text)
        message = Self.element("Message", in: text)
        requestID = Self.element("RequestId", in: text)
    }

    private static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"),
              let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        let value = unescape(String(text[open.upperBound..<close.lowerBound]))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    private static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
