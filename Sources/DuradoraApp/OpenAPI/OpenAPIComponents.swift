/// The shared parts of the document: the error shape and one response per error status, the schemas of request and
/// response bodies, and the ways to send credentials.
enum ErrorResponses {
    /// Status → (component name, description, response headers it carries).
    static let table: [(status: Int, name: String, description: String, headers: [String])] = [
        (400, "BadRequest", "Malformed request or JSON.", []),
        (401, "Unauthorized", "Missing or invalid credentials.", ["WWW-Authenticate"]),
        (403, "Forbidden", "Authenticated but not allowed.", []),
        (404, "NotFound", "No such resource, or one the caller may not see.", []),
        (405, "MethodNotAllowed", "The path exists but not with this method.", ["Allow"]),
        (409, "Conflict", "Conflicts with the current state (for example a username that is taken).", []),
        (411, "LengthRequired", "A body was sent without Content-Length or chunked framing.", []),
        (413, "ContentTooLarge", "The body is larger than this endpoint accepts.", []),
        (415, "UnsupportedMediaType", "Not a media type (or audio) this endpoint can read.", []),
        (416, "RangeNotSatisfiable", "The Range does not overlap the resource.", ["Content-Range"]),
        (422, "UnprocessableContent", "Valid JSON, but a field is invalid; the message names the field.", []),
        (429, "TooManyRequests", "Too many attempts; try again after Retry-After seconds.", ["Retry-After"]),
        (503, "ServiceUnavailable", "Shutting down or overloaded.", ["Retry-After"]),
        (502, "BadGateway", "An upstream service (an external login provider) could not be reached or answered nonsense.", []),
    ]

    static func name(_ status: Int) -> String {
        table.first { $0.status == status }?.name ?? "Error\(status)"
    }

    static var components: JSONValue {
        .object(table.map { entry in
            var response: [(String, JSONValue)] = [
                ("description", .string(entry.description)),
                ("content", ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]),
            ]
            if !entry.headers.isEmpty {
                response.append(("headers", .object(entry.headers.map { ($0, ["schema": ["type": "string"]]) })))
            }
            return (entry.name, .object(response))
        })
    }
}

/// Schema helpers and the shared schemas.
enum Schemas {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func object(_ properties: [(String, JSONValue)], required: [String], additional: Bool = true) -> JSONValue {
        var schema: [(String, JSONValue)] = [("type", "object"), ("properties", .object(properties))]
        if !required.isEmpty { schema.append(("required", .array(required.map { .string($0) }))) }
        if !additional { schema.append(("additionalProperties", false)) }
        return .object(schema)
    }

    /// `{"items": [...], "total", "limit", "offset"}` of `item`.
    static func page(of item: JSONValue) -> JSONValue {
        object([("items", ["type": "array", "items": item]), ("total", ["type": "integer", "minimum": 0]),
                ("limit", ["type": "integer", "minimum": 1]), ("offset", ["type": "integer", "minimum": 0])],
               required: ["items", "total", "limit", "offset"])
    }

    static let string: JSONValue = ["type": "string"]
    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static let username: JSONValue = ["type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_.-]+$"]
    static let password: JSONValue = ["type": "string", "minLength": 8, "description": "8 to 1024 bytes."]
    static let role: JSONValue = ["type": "string", "enum": ["admin", "user"]]

    /// Schemas every area may reference; areas add their own through `OpenAPIDocument.areas`.
    static let shared: [(String, JSONValue)] = [
        ("Error", object([("error", object([
            ("code", ["type": "string", "description": "snake_case, stable: switch on this."]),
            ("message", ["type": "string", "description": "A human sentence."]),
        ], required: ["code", "message"]))], required: ["error"])),
    ]

    /// Ways to send credentials; an operation accepts any one of them.
    static let securitySchemes: JSONValue = [
        "bearerToken": ["type": "http", "scheme": "bearer",
                        "description": "An access token from login, or an API token from POST /api/v1/users."],
        "sessionCookie": ["type": "apiKey", "in": "cookie", "name": "duradora_session"],
        "accessTokenQuery": ["type": "apiKey", "in": "query", "name": "access_token",
                             "description": "For <audio src> links and seed-style clients."],
    ]
}
