/// The reverse proxies whose forwarding headers we believe (`server.trusted_proxies`). Anyone can send
/// `X-Forwarded-For`; only a proxy we run appends the address it really saw. So the client is the rightmost hop
/// that is not one of our proxies: hops left of it were written by the client and may be lies.
public struct TrustedProxies: Sendable, Equatable {
    public let blocks: [CIDRBlock]

    public init(_ blocks: [CIDRBlock] = []) { self.blocks = blocks }

    /// Parses a comma- or space-separated list of CIDR blocks; nil names the first entry that is not one.
    public static func parse(_ list: String) -> Result<TrustedProxies, InvalidEntry> {
        var blocks: [CIDRBlock] = []
        for entry in list.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let block = CIDRBlock(entry) else { return .failure(InvalidEntry(entry: String(entry))) }
            blocks.append(block)
        }
        return .success(TrustedProxies(blocks))
    }

    public struct InvalidEntry: Error, Equatable {
        public let entry: String
        public init(entry: String) { self.entry = entry }
    }

    public func contains(_ address: IPAddress) -> Bool { blocks.contains { $0.contains(address) } }

    /// The address to treat as the client's: the peer's own, unless the peer is trusted and the request says
    /// whom it forwards (`Forwarded: for=` first, else `X-Forwarded-For`); then the rightmost untrusted hop, or the
    /// leftmost hop when all are trusted. A hop that is not an IP address (`unknown`, `_hidden`, garbage) stops
    /// the walk: the last trusted address before it stands for the client.
    public func clientAddress(peer: String, headers: HTTPHeaders) -> String {
        guard !blocks.isEmpty, let peerAddress = IPAddress(peer), contains(peerAddress) else { return peer }
        let hops = Self.forwardedHops(headers)
        var client = peer
        for hop in hops.reversed() {
            guard let address = IPAddress(forwardedNode: hop) else { break }
            client = address.description
            if !contains(address) { break }
        }
        return client
    }

    /// Every forwarded-for node in order, client first.
    private static func forwardedHops(_ headers: HTTPHeaders) -> [Substring] {
        let forwarded = headers.values("Forwarded")
        if !forwarded.isEmpty {
            return forwarded.flatMap { $0.split(separator: ",") }.compactMap { element in
                element.split(separator: ";").lazy.compactMap { pair -> Substring? in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0].trimmingHTTPWhitespace().lowercased() == "for" else { return nil }
                    return parts[1]
                }.first
            }
        }
        return headers.values("X-Forwarded-For").flatMap { $0.split(separator: ",") }
    }
}
