/// What SigV4 signs of one S3 request, in plain (not yet encoded) form: the signer and the client both take the
/// encoded path and the canonical query from here, so the bytes on the wire are the bytes that were signed.
struct SigV4Request: Sendable {
    var method: String
    /// The path as S3 sees it, starting with `/`: `/bucket/key` (path style) or `/key`; not percent-encoded.
    var path: String
    /// Query parameters, not percent-encoded; a bare flag such as `uploads` has the value "".
    var query: [(name: String, value: String)]
    /// Headers to sign, `Host` included (the client sends exactly these, plus the ones signing adds).
    var headers: [(name: String, value: String)]

    init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    var encodedPath: String { S3URIEncoding.encode(path.isEmpty ? "/" : path, keepingSlash: true) }

    /// `name=value` pairs, each side encoded, sorted by name then value, joined by `&` (also a valid query string).
    var canonicalQuery: String {
        query.map { (S3URIEncoding.encode($0.name, keepingSlash: false), S3URIEncoding.encode($0.value, keepingSlash: false)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The request target: encoded path, then `?` and the canonical query when there is one.
    var target: String {
        let query = canonicalQuery
        return query.isEmpty ? encodedPath : encodedPath + "?" + query
    }

    /// Lower-case names, sorted; values trimmed with inner runs of spaces folded to one; repeated names joined by `,`.
    var canonicalHeaders: [(name: String, value: String)] {
        var merged: [String: String] = [:]
        for (name, value) in headers {
            let folded = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            let key = name.lowercased()
            merged[key] = merged[key].map { $0 + "," + folded } ?? folded
        }
        return merged.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }
}
