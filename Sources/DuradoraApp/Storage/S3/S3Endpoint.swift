import Foundation

/// Where a bucket is and how to reach it: the store's base URL (`http://127.0.0.1:8333`, `https://s3.eu-west-1.amazonaws.com`),
/// the signing region, the credentials, and the addressing style — path style (`host/bucket/key`, what
/// self-hosted stores such as SeaweedFS and MinIO expect) or virtual-hosted (`bucket.host/key`, AWS's default).
struct S3Endpoint: Sendable {
    let scheme: String
    let host: String
    let port: Int?
    let bucket: String
    let region: String
    let accessKeyID: String
    let secretAccessKey: String
    let pathStyle: Bool

    /// nil when `url` is not an http(s) URL with a host and no path, query or credentials of its own.
    init?(url: String, bucket: String, region: String, accessKeyID: String, secretAccessKey: String, pathStyle: Bool) {
        guard let components = Self.baseURL(url), let scheme = components.scheme?.lowercased(), let host = components.host,
            !bucket.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host
        port = components.port
        self.bucket = bucket
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.pathStyle = pathStyle
    }

    /// `url` parsed when it is a store's base URL (also `storage.s3.endpoint`'s rule): http or https, a host, and
    /// no path, query, fragment or credentials.
    static func baseURL(_ url: String) -> URLComponents? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return nil }
        return components
    }

    /// The `Host` header (signed): the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = pathStyle ? host : bucket + "." + host
        guard let port, port != (scheme == "https" ? 443 : 80) else { return name }
        return "\(name):\(port)"
    }

    /// The unencoded request path of `key` (nil: the bucket itself).
    func path(of key: String?) -> String {
        let bucketPath = pathStyle ? "/" + bucket : ""
        guard let key else { return bucketPath + "/" }
        return bucketPath + "/" + key
    }

    /// `scheme://host[:port]` plus `target` (an encoded path and query from `SigV4Request.target`).
    func url(_ target: String) -> String {
        "\(scheme)://\(hostHeader)\(target)"
    }
}
