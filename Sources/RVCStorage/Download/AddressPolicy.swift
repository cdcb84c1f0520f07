#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Classifies IP addresses that a download must not reach unless private URLs are allowed:
/// loopback, link-local (cloud metadata lives at 169.254.169.254), private networks and other
/// addresses that are not the public Internet.
///
/// The check runs on the address libcurl actually connects to, so a public hostname that resolves
/// to an internal address (or a redirect to one) is refused as well.
enum AddressPolicy {
    /// The name of the forbidden range `bytes` (4 or 16 bytes, network order) falls in, or nil when
    /// the address is public.
    static func forbiddenRange(_ bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4: return forbiddenIPv4(bytes[0], bytes[1], bytes[2], bytes[3])
        case 16: return forbiddenIPv6(bytes)
        default: return "non-IP"
        }
    }

    /// The forbidden range of a textual IP literal (`10.0.0.1`, `::1`, `[::1]`), nil when public,
    /// or nil as well when `text` is not an IP literal (a hostname is checked when connecting).
    static func forbiddenRange(literal text: String) -> (address: String, range: String)? {
        var host = text
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let percent = host.firstIndex(of: "%") { host = String(host[..<percent]) }  // zone id
        guard let bytes = parse(host) else { return nil }
        guard let range = forbiddenRange(bytes) else { return nil }
        return (host, range)
    }

    /// Parses an IPv4 or IPv6 literal into its bytes.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// Formats 4 or 16 address bytes as text.
    static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func forbiddenIPv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> String? {
        switch (a, b) {
        case (0, _): return "\"this network\" (0.0.0.0/8)"
        case (10, _): return "private (10.0.0.0/8)"
        case (100, 64...127): return "carrier-grade NAT (100.64.0.0/10)"
        case (127, _): return "loopback (127.0.0.0/8)"
        case (169, 254): return "link-local (169.254.0.0/16)"
        case (172, 16...31): return "private (172.16.0.0/12)"
        case (192, 168): return "private (192.168.0.0/16)"
        case (192, 0) where c == 0: return "IETF protocol assignment (192.0.0.0/24)"
        case (198, 18...19): return "benchmarking (198.18.0.0/15)"
        case (224...239, _): return "multicast (224.0.0.0/4)"
        case (240...255, _): return "reserved (240.0.0.0/4)"
        default: return nil
        }
    }

    private static func forbiddenIPv6(_ b: [UInt8]) -> String? {
        let firstTenZero = b[0..<10].allSatisfy { $0 == 0 }
        if firstTenZero && b[10] == 0xff && b[11] == 0xff {
            return forbiddenIPv4(b[12], b[13], b[14], b[15]).map { "IPv4-mapped \($0)" }
        }
        if b[0..<15].allSatisfy({ $0 == 0 }) {
            return b[15] == 1 ? "loopback (::1)" : "unspecified (::)"
        }
        if firstTenZero && b[10] == 0 && b[11] == 0 {
            // Deprecated IPv4-compatible form ::a.b.c.d: treat the embedded address as the target.
            return forbiddenIPv4(b[12], b[13], b[14], b[15]).map { "IPv4-compatible \($0)" }
        }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..<12].allSatisfy({ $0 == 0 }) {
            return forbiddenIPv4(b[12], b[13], b[14], b[15]).map { "NAT64 \($0)" }
        }
        if b[0] == 0x20 && b[1] == 0x02 {
            return forbiddenIPv4(b[2], b[3], b[4], b[5]).map { "6to4 \($0)" }
        }
        if b[0] & 0xfe == 0xfc { return "unique local (fc00::/7)" }
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return "link-local (fe80::/10)" }
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return "site-local (fec0::/10)" }
        if b[0] == 0xff { return "multicast (ff00::/8)" }
        return nil
    }
}
