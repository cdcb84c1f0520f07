/// A URL made safe to show in errors and logs.
///
/// Credentials in the authority become `REDACTED`, every query value becomes `REDACTED` (presigned
/// URLs carry their signature and credential there; other services put tokens there), the fragment
/// is dropped, and a `data:` URL keeps only its header and its length.
public struct RedactedURL: Sendable, Equatable, CustomStringConvertible {
    /// The redacted text.
    public let description: String

    /// Redacts `url`; never fails, whatever the input.
    public init(_ url: String) {
        description = Self.redact(url)
    }

    private static func redact(_ url: String) -> String {
        if url.prefix(5).lowercased() == "data:" {
            let header = url.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return "\(header.prefix(100)),…(\(url.utf8.count) characters)"
        }
        var rest = Substring(url)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var result = String(rest)
        if let schemeEnd = result.range(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd = result[authorityStart...].firstIndex(of: "/") ?? result.endIndex
            if let at = result[authorityStart..<authorityEnd].lastIndex(of: "@") {
                result.replaceSubrange(authorityStart..<at, with: "REDACTED")
            }
        }
        if let query {
            let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part in
                guard let equals = part.firstIndex(of: "=") else { return String(part) }
                return part[..<equals] + "=REDACTED"
            }
            result += "?" + parts.joined(separator: "&")
        }
        return result
    }
}
