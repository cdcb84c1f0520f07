/// URLs as they may appear in logs and metadata: query strings (which carry presigned signatures
/// and tokens) and user information removed, `data:` URLs reduced to their media type.
enum RedactedURL {
    static func redact(_ url: String) -> String {
        if url.prefix(5).lowercased() == "data:" {
            let header = url.prefix { $0 != "," }
            return String(header.prefix(64)) + ",…"
        }
        var text = Substring(url)
        if let query = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<query] }
        if let scheme = text.range(of: "://") {
            let authorityEnd = text[scheme.upperBound...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                text = text[..<scheme.upperBound] + text[text.index(after: at)...]
            }
        }
        return String(text)
    }
}
