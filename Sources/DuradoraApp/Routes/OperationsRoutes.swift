import DuradoraHTTP

/// `/metrics`, `/openapi.json` and `/docs`. (`/health` is registered by `Application` itself.)
struct OperationsRoutes: Sendable {
    let metrics: Metrics

    func register(on router: Router) {
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: Metrics.contentType, .cacheControl: "no-store"],
                     body: .bytes(Array(metrics.exposition().utf8)))
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: Response.jsonContentType],
                     body: .bytes(Array(OpenAPIDocument.json.utf8)))
        }
        router.get("/docs") { _, _ in
            .text(DocsPage.html, contentType: "text/html; charset=utf-8")
        }
    }
}
