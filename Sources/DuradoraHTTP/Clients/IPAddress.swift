#if canImport(Glibc)
import Glibc
#endif

/// A numeric IPv4 or IPv6 address as its bytes (4 or 16), for matching against CIDR blocks. An IPv4-mapped IPv6
/// address (`::ffff:10.0.0.1`, what a dual-stack socket reports for an IPv4 peer) is taken as its IPv4 address, so
/// one rule covers a peer however the socket saw it.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses a bare address: no port, no brackets, no zone.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }  // fe80::1%eth0
        if text.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            let all = withUnsafeBytes(of: raw) { Array($0) }
            let isMapped = all[0..<10].allSatisfy { $0 == 0 } && all[10] == 0xFF && all[11] == 0xFF
            bytes = isMapped ? Array(all[12...]) : all
        } else {
            var raw = in_addr()
            guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
            bytes = withUnsafeBytes(of: raw) { Array($0) }
        }
    }

    /// The numeric form (`10.0.0.1`, `2001:db8::1`), as the access log shows peers.
    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A node of `Forwarded: for=` or `X-Forwarded-For`: `1.2.3.4`, `1.2.3.4:80`, `[::1]`, `"[::1]:80"`, `::1`.
    init?(forwardedNode node: Substring) {
        var text = node.trimmingHTTPWhitespace()[...]
        if text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 { text = text.dropFirst().dropLast() }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            self.init(text[text.index(after: text.startIndex)..<close])
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            self.init(text[..<colon])  // IPv4 with a port
        } else {
            self.init(text)
        }
    }
}

/// `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a block of one).
public struct CIDRBlock: Sendable, Hashable {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...bits).contains(parsed) else { return nil }
            length = parsed
        }
        network = address
        prefixLength = length
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (ours, theirs) in zip(network.bytes, address.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if ours & mask != theirs & mask { return false }
            remaining -= 8
        }
        return true
    }
}
