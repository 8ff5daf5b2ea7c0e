extension OpenAPIArea {
    /// The web player's page and its assets (see `WebPlayerRoutes`).
    static let webPlayer = OpenAPIArea(
        tag: "web player",
        description: "The browser player: its page at / and its files under /app/, with strong ETags and gzip.",
        schemas: [],
        operations: [
            APIOperation(method: .get, path: "/", tag: "web player", summary: "The web player's page",
                         description: "HTML that loads the player's modules from /app/<version>/; revalidated on "
                             + "every load (Cache-Control: no-cache, strong ETag), strict Content-Security-Policy.",
                         status: 200, responseDescription: "The page.", responseBody: .media("text/html"),
                         alternatives: [(304, "Not modified (If-None-Match).")], errors: [404]),
            APIOperation(method: .get, path: "/app/{name}", tag: "web player", summary: "A player file, unversioned",
                         description: "Today's file of that name, revalidated on every use.",
                         status: 200, responseDescription: "The file (JavaScript, CSS or SVG).",
                         responseBody: .media("application/octet-stream"),
                         alternatives: [(304, "Not modified (If-None-Match).")], errors: [404]),
            APIOperation(method: .get, path: "/app/{version}/{name}", tag: "web player",
                         summary: "A player file under the fingerprint of the whole set",
                         description: "Immutable when `version` is the current fingerprint (the page names it).",
                         status: 200, responseDescription: "The file (JavaScript, CSS or SVG).",
                         responseBody: .media("application/octet-stream"),
                         alternatives: [(304, "Not modified (If-None-Match).")], errors: [404]),
        ])
}
