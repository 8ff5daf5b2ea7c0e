import Foundation
import Testing
@testable import DuradoraApp
import DuradoraHTTP
import DuradoraTestSupport

/// `/openapi.json` stays true to the router, and `/docs` renders it without anything from outside.
@Suite struct OpenAPITests {
    /// Every (method, path) the served document lists, as `"GET /path"`.
    static func documented(_ document: [String: Any]) -> [(method: String, path: String)] {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        let methods: Set = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return paths.flatMap { path, item in item.keys.filter(methods.contains).map { (method: $0, path: path) } }
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().get("/openapi.json")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        let document = try response.json()
        #expect(document["openapi"] as? String == "3.1.0")
        let (undocumented, unrouted) = OpenAPIDocument.mismatches(
            routes: app.application.router.routeTable, documented: Self.documented(document))
        #expect(undocumented.isEmpty, "routes missing from the OpenAPI document (add them to an OpenAPIArea): \(undocumented)")
        #expect(unrouted.isEmpty, "documented operations with no route: \(unrouted)")
        #expect(app.application.router.routeTable.count == Self.documented(document).count)
    }

    @Test func mismatchCheckCatchesAnExtraRouteAndAStaleEntry() {
        let router = Router()
        for operation in OpenAPIDocument.operations { router.add(operation.method, operation.path) { _, _ in Response() } }
        router.get("/api/v1/new-thing") { _, _ in Response() }
        let documented = OpenAPIDocument.operations.map { (method: $0.method.rawValue, path: $0.path) }
            + [(method: "delete", path: "/api/v1/gone")]
        let (undocumented, unrouted) = OpenAPIDocument.mismatches(routes: router.routeTable, documented: documented)
        #expect(undocumented == ["GET /api/v1/new-thing"])
        #expect(unrouted == ["DELETE /api/v1/gone"])
    }

    @Test func everyReferenceResolvesAndOperationIDsAreUnique() throws {
        let areas = OpenAPIDocument.areas
        let text = OpenAPIDocument.make(version: "test", areas: areas).serialized()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in Set(references) {
            let target = reference.dropFirst(2).split(separator: "/").reduce(document as Any?) { node, key in
                (node as? [String: Any])?[String(key)]
            }
            #expect(target != nil, "unresolved \(reference)")
        }
        let operations = areas.flatMap(\.operations)
        let ids = operations.map(\.operationID)
        #expect(Set(ids).count == ids.count)
        let routes = operations.map { "\($0.method) \($0.path)" }
        #expect(Set(routes).count == routes.count, "an operation is listed twice")
    }

    @Test func pathParametersAreDeclaredAndErrorsUseTheContractShape() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let show = try #require(paths["/api/v1/users/{id}"]?["get"])
        let parameters = try #require(show["parameters"] as? [[String: Any]])
        #expect(parameters.contains { $0["name"] as? String == "id" && $0["in"] as? String == "path" })
        let responses = try #require(show["responses"] as? [String: Any])
        #expect((responses["404"] as? [String: String])?["$ref"] == "#/components/responses/NotFound")
        #expect(show["security"] != nil)
        let components = try #require(document["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let error = try #require(schemas["Error"] as? [String: Any])
        #expect(error["required"] as? [String] == ["error"])
        // Every operation says what success looks like (for an external login's start, a redirect to the provider).
        for (path, item) in paths {
            for (method, operation) in item {
                let statuses = (operation["responses"] as? [String: Any])?.keys.compactMap { Int($0) } ?? []
                #expect(statuses.contains { (200..<400).contains($0) && $0 != 304 }, "\(method) \(path) has no success response")
            }
        }
    }

    @Test func documentedErrorShapeMatchesARealError() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().get("/api/v1/auth/me")
        #expect(response.status == 401)
        let error = try #require(try response.json()["error"] as? [String: Any])
        #expect(Set(error.keys) == ["code", "message"])
    }

    /// The JSON types a schema's `type` allows (`"string"` or `["string", "null"]`).
    private static func allowedTypes(_ schema: [String: Any]) -> Set<String> {
        if let one = schema["type"] as? String { return [one] }
        return Set(schema["type"] as? [String] ?? [])
    }

    private static func jsonType(_ value: Any) -> String {
        switch value {
        case is NSNull: "null"
        case let number as NSNumber: number.doubleValue == number.doubleValue.rounded() ? "integer" : "number"
        case is String: "string"
        case is [Any]: "array"
        default: "object"
        }
    }

    /// Real tracks (an empty one, whose missing fields are null) against the served `Track` schema: every required
    /// field present and every field of a type the document allows. The full check of every response is
    /// scripts/openapi-responses.py (jsonschema) and Schemathesis, both in scripts/ops-check.sh.
    @Test func realTracksMatchTheDocumentedTrackSchema() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let document = try fixture.client.get("/openapi.json").json()
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let track = try #require(schemas?["Track"] as? [String: Any])
        let properties = try #require(track["properties"] as? [String: [String: Any]])
        let id = try fixture.client.createEmptyTrack(token: fixture.admin, query: "title=Only%20a%20title")
        let shown = try fixture.client.track(id, token: fixture.admin).json()
        let listed = try #require(try fixture.client.get("/api/v1/tracks", headers: bearer(fixture.admin)).json()["items"]
            as? [[String: Any]])
        for body in [shown] + listed {
            #expect(Set(track["required"] as? [String] ?? []).isSubset(of: body.keys))
            for (name, value) in body {
                let schema = try #require(properties[name], "\(name) is not in the Track schema")
                let allowed = Self.allowedTypes(schema)
                let type = Self.jsonType(value)
                let fits = allowed.isEmpty || allowed.contains(type) || (type == "integer" && allowed.contains("number"))
                #expect(fits, "\(name) is \(type), the document allows \(allowed.sorted())")
            }
        }
    }

    @Test func docsPageIsSelfContainedAndLoadsTheDocument() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().get("/docs")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        let html = response.text
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains(#"fetch("/openapi.json")"#))
        #expect(html.contains("Try it"))
        // No CDN: no absolute URL anywhere, no external script or stylesheet.
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"))
        #expect(!html.contains("<script src") && !html.contains("<link"))
    }
}
