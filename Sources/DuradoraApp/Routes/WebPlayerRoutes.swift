import DuradoraHTTP

/// `GET /` (the web player's page) and `GET /app/<version>/<name>` (its modules, styles and icon), answered from
/// memory on the event loop (`getInline`: nothing here blocks). Fingerprinted URLs are immutable; `/` and
/// unversioned names revalidate with their strong ETag. A gzip variant goes to clients that accept it.
struct WebPlayerRoutes: Sendable {
    let assets: WebAssets?
    /// Why `assets` is nil, for the 404 page.
    let missingReason: String

    /// The page runs only our own scripts and styles: no inline script, no framing by other sites.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        + "form-action 'self'; frame-ancestors 'none'"

    func register(on router: Router) {
        router.getInline("/") { request, _ in
            guard let assets else { return notInstalled() }
            return serve(assets.index, assets: assets, request: request, cacheControl: "no-cache")
        }
        router.getInline("/app/{name}") { request, context in
            try serve(named: context.parameters["name"] ?? "", request: request, cacheControl: "no-cache")
        }
        router.getInline("/app/{version}/{name}") { request, context in
            // An old page may still ask for an older version: it gets today's file, but not as immutable.
            let isCurrent = context.parameters["version"] == assets?.version
            return try serve(named: context.parameters["name"] ?? "", request: request,
                             cacheControl: isCurrent ? "public, max-age=31536000, immutable" : "no-cache")
        }
    }

    private func serve(named name: String, request: Request, cacheControl: String) throws -> Response {
        guard let assets else { return notInstalled() }
        guard let asset = assets.asset(named: name) else { throw APIError.notFound("Asset") }
        return serve(asset, assets: assets, request: request, cacheControl: cacheControl)
    }

    private func serve(_ asset: WebAssets.Asset, assets: WebAssets, request: Request, cacheControl: String) -> Response {
        let gzipped = asset.gzipped.flatMap { Self.acceptsGzip(request.headers.values(.acceptEncoding)) ? $0 : nil }
        let etag = gzipped == nil ? asset.etag : asset.gzippedETag
        var headers: HTTPHeaders = [
            .contentType: asset.contentType, .etag: etag.description, .cacheControl: cacheControl,
            .vary: "Accept-Encoding", .lastModified: HTTPDate.format(assets.loadedAt),
            .contentSecurityPolicy: Self.contentSecurityPolicy, .xFrameOptions: "DENY", .referrerPolicy: "same-origin",
        ]
        switch ConditionalRequest.evaluate(method: request.method, headers: request.headers, etag: etag,
                                           lastModified: assets.loadedAt) {
        case .notModified:
            return Response(status: .notModified, headers: headers)
        case .preconditionFailed:
            return Response(status: .preconditionFailed, headers: headers)
        case .proceed:
            if gzipped != nil { headers[.contentEncoding] = "gzip" }
            return Response(status: .ok, headers: headers, body: .bytes(gzipped ?? asset.bytes))
        }
    }

    private func notInstalled() -> Response {
        Response.error(.notFound, code: "web_player_not_installed",
                       message: "The web player's files are not installed beside this binary (\(missingReason)). The API works as usual.")
    }

    /// Whether `Accept-Encoding` allows gzip: listed (or `*`) without `q=0` (RFC 9110 §12.5.3).
    static func acceptsGzip(_ values: [String]) -> Bool {
        var gzip: Bool?
        var wildcard: Bool?
        for element in values.flatMap({ $0.split(separator: ",") }) {
            let parts = element.split(separator: ";").map { $0.trimmingHTTPWhitespace().lowercased() }
            guard let coding = parts.first else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            switch coding {
            case "gzip", "x-gzip": gzip = quality > 0
            case "*": wildcard = quality > 0
            default: break
            }
        }
        return gzip ?? wildcard ?? false
    }
}

extension HTTPHeader {
    static let acceptEncoding: HTTPHeader = "Accept-Encoding"
    static let contentEncoding: HTTPHeader = "Content-Encoding"
    static let contentSecurityPolicy: HTTPHeader = "Content-Security-Policy"
    static let xFrameOptions: HTTPHeader = "X-Frame-Options"
    static let referrerPolicy: HTTPHeader = "Referrer-Policy"
}
