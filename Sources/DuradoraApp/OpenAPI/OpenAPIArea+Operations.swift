extension OpenAPIArea {
    /// Health, metrics and the documentation itself.
    static let operations = OpenAPIArea(
        tag: "operations",
        description: "Health checks, Prometheus metrics and this documentation.",
        schemas: [
            ("Health", Schemas.object([("status", ["type": "string", "const": "ok"]), ("version", Schemas.string)],
                                      required: ["status", "version"])),
        ],
        operations: [
            APIOperation(method: .get, path: "/health", tag: "operations", summary: "Liveness and version",
                         status: 200, responseDescription: "The server is up.",
                         responseBody: .json(Schemas.ref("Health"))),
            APIOperation(method: .get, path: "/metrics", tag: "operations", summary: "Prometheus metrics",
                         description: "Text exposition format 0.0.4: requests by route pattern, method and status "
                             + "class; a latency histogram; response bytes; open connections; uploads, transcodes "
                             + "and database errors.",
                         status: 200, responseDescription: "The current values.",
                         responseBody: .media("text/plain")),
            APIOperation(method: .get, path: "/openapi.json", tag: "operations", summary: "This OpenAPI 3.1 document",
                         status: 200, responseDescription: "The document.",
                         responseBody: .json(["type": "object"])),
            APIOperation(method: .get, path: "/docs", tag: "operations", summary: "A page that lists the endpoints",
                         description: "Self-contained HTML (no external scripts) that renders /openapi.json and can "
                             + "try GET requests.",
                         status: 200, responseDescription: "The page.",
                         responseBody: .media("text/html")),
        ])
}
