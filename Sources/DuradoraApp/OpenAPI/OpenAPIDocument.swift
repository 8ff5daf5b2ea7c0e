import DuradoraHTTP

/// One part of the API (a tag in the document): its operations and the schemas they reference.
/// Each area lives in its own file, `OpenAPIArea+<Name>.swift`.
struct OpenAPIArea: Sendable {
    let tag: String
    let description: String
    let schemas: [(String, JSONValue)]
    let operations: [APIOperation]
}

/// The OpenAPI 3.1 document served at `/openapi.json`, assembled from the areas below.
///
/// To document a new route: add an `APIOperation` with the same method and path pattern as the `router.add` call
/// to its area's `operations` (a new area: a new `OpenAPIArea+Name.swift` and one line in `areas`).
/// `OpenAPITests` fails while the router and this document disagree.
enum OpenAPIDocument {
    /// Every area of the API, in the order the document lists them.
    static let areas: [OpenAPIArea] = [.operations, .auth, .users, .seed, .tracks, .playlists, .library, .appPasswords,
                                       .subsonic, .musicAPI, .recordsService, .hostingService, .webPlayer,
                                       .externalLogin, .shares]

    static var operations: [APIOperation] { areas.flatMap(\.operations) }

    /// The document as a JSON value.
    static func make(version: String, areas: [OpenAPIArea] = areas) -> JSONValue {
        let operations = areas.flatMap(\.operations)
        var paths: [(String, [(String, JSONValue)])] = []
        for operation in operations {
            let entry = (operation.method.rawValue.lowercased(), operation.rendered())
            if let index = paths.firstIndex(where: { $0.0 == operation.path }) {
                paths[index].1.append(entry)
            } else {
                paths.append((operation.path, [entry]))
            }
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Duradora",
                "version": .string(version),
                "summary": "A self-hosted music server: users, tracks, streaming with Range, playlists.",
                "description": .string(description),
                "license": ["name": "MIT", "identifier": "MIT"],
            ],
            "tags": .array(areas.map { ["name": .string($0.tag), "description": .string($0.description)] }),
            "paths": .object(paths.map { ($0.0, .object($0.1)) }),
            "components": [
                "schemas": .object(Schemas.shared + areas.flatMap(\.schemas)),
                "responses": ErrorResponses.components,
                "securitySchemes": Schemas.securitySchemes,
            ],
        ]
    }

    /// The serialized document, built once.
    static let json: String = make(version: DuradoraVersion.current).serialized()

    private static let description = """
        Every error is JSON: `{"error": {"code", "message"}}` with the status that fits. Credentials go in \
        `Authorization: Bearer <token>`, the `duradora_session` cookie or the `access_token` query parameter. \
        A trailing slash is accepted on every path; HEAD is answered wherever GET is, and OPTIONS everywhere.
        """
}

extension OpenAPIDocument {
    /// Differences between a route table and the documented operations, as `"GET /path"` strings.
    static func mismatches(routes: [(method: HTTPMethod, pattern: String)], documented: [(method: String, path: String)])
        -> (undocumented: [String], unrouted: [String])
    {
        let routed = Set(routes.map { "\($0.method.rawValue.uppercased()) \($0.pattern)" })
        let inDocument = Set(documented.map { "\($0.method.uppercased()) \($0.path)" })
        return (routed.subtracting(inDocument).sorted(), inDocument.subtracting(routed).sorted())
    }
}
