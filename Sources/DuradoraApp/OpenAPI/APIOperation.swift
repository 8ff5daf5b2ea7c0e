import DuradoraHTTP

/// One documented route: method + path exactly as registered on the router, what it takes and what it answers.
/// `OpenAPIDocument` turns a list of these into the paths of the document; path parameters come from the
/// `{name}` segments of `path`, the shared error responses from `errors`.
struct APIOperation: Sendable {
    /// Who may call it; decides the `security` requirement.
    enum Access: Sendable {
        /// No credentials are read.
        case anyone
        /// Credentials are optional and change the answer (for example a caller's own private items).
        case optionalUser
        /// Any authenticated user.
        case user
        /// An authenticated admin.
        case admin
    }

    /// A query parameter.
    struct Parameter: Sendable {
        let name: String
        let description: String
        let schema: JSONValue
        var isRequired = false

        static func string(_ name: String, _ description: String, required: Bool = false) -> Parameter {
            Parameter(name: name, description: description, schema: ["type": "string"], isRequired: required)
        }

        static func integer(_ name: String, _ description: String, minimum: Int, maximum: Int? = nil) -> Parameter {
            var schema: JSONValue = ["type": "integer", "minimum": .number(Double(minimum))]
            if let maximum { schema = schema.merging(["maximum": .number(Double(maximum))]) }
            return Parameter(name: name, description: description, schema: schema)
        }

        /// `limit` and `offset` of every list.
        static let pagination: [Parameter] = [
            .integer("limit", "Page size (default 50; larger values are capped at 500).", minimum: 1),
            .integer("offset", "Items to skip (default 0).", minimum: 0),
        ]
    }

    /// A request or response body: media types, each with its schema.
    struct Body: Sendable {
        let description: String
        let content: [(String, JSONValue)]
        var isRequired = true

        static func json(_ schema: JSONValue, _ description: String = "", required: Bool = true) -> Body {
            Body(description: description, content: [("application/json", schema)], isRequired: required)
        }

        /// A body of one non-JSON media type (`text/plain`, `audio/mpeg`, …).
        static func media(_ type: String, _ schema: JSONValue = ["type": "string"]) -> Body {
            Body(description: "", content: [(type, schema)])
        }
    }

    let method: HTTPMethod
    let path: String
    let tag: String
    let summary: String
    var description: String = ""
    var access: Access = .anyone
    var query: [Parameter] = []
    var requestBody: Body?
    /// The success answer: status, description and body (nil for none, e.g. 204).
    var status: Int
    var responseDescription: String
    var responseBody: Body?
    /// Other success answers (`202` while processing, `206`, `302`, `304`): same body as the main one, none for
    /// a redirect or `304`.
    var alternatives: [(status: Int, description: String)] = []
    /// Error statuses this operation can answer, each rendered as a reference to the shared error response.
    var errors: [Int] = []
    /// Set when the derived id would repeat another's (`/api_v1/record` and `/api/v1/record` derive the same one).
    var explicitID: String?

    /// The OpenAPI operation object.
    func rendered() -> JSONValue {
        var operation: [(String, JSONValue)] = [
            ("operationId", .string(operationID)), ("tags", [.string(tag)]), ("summary", .string(summary)),
        ]
        if !description.isEmpty { operation.append(("description", .string(description))) }
        let parameters = pathParameters.map { name in
            JSONValue.object([("name", .string(name)), ("in", "path"), ("required", true),
                              ("schema", Self.pathParameterSchema(name))])
        } + query.map { parameter in
            JSONValue.object([("name", .string(parameter.name)), ("in", "query"), ("required", .bool(parameter.isRequired)),
                              ("description", .string(parameter.description)), ("schema", parameter.schema)])
        }
        if !parameters.isEmpty { operation.append(("parameters", .array(parameters))) }
        if let requestBody {
            operation.append(("requestBody", .object([
                ("description", .string(requestBody.description)), ("required", .bool(requestBody.isRequired)),
                ("content", Self.content(requestBody)),
            ])))
        }
        var success: [(String, JSONValue)] = [("description", .string(responseDescription))]
        if let responseBody { success.append(("content", Self.content(responseBody))) }
        var responses: [(String, JSONValue)] = [(String(status), .object(success))]
        for alternative in alternatives {
            var answer: [(String, JSONValue)] = [("description", .string(alternative.description))]
            if let responseBody, !(300..<400).contains(alternative.status) { answer.append(("content", Self.content(responseBody))) }
            responses.append((String(alternative.status), .object(answer)))
        }
        for error in errors.sorted() {
            responses.append((String(error), ["$ref": .string("#/components/responses/\(ErrorResponses.name(error))")]))
        }
        operation.append(("responses", .object(responses)))
        switch access {
        case .anyone: break
        case .optionalUser: operation.append(("security", .array(Self.credentialSchemes + [[:]])))
        case .user, .admin: operation.append(("security", .array(Self.credentialSchemes)))
        }
        return .object(operation)
    }

    /// The `{name}` segments of the path, in order.
    var pathParameters: [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    /// `post_api_v1_users_id`: unique per method + path, stable, readable.
    var operationID: String {
        if let explicitID { return explicitID }
        let words = path.split(separator: "/").map { $0.filter { $0.isLetter || $0.isNumber || $0 == "_" } }
        return ([method.rawValue.lowercased()] + words.filter { !$0.isEmpty }).joined(separator: "_")
    }

    /// Ids are UUIDs; other path parameters (usernames, share tokens) are plain strings.
    static func pathParameterSchema(_ name: String) -> JSONValue {
        name == "id" || name.hasSuffix("_id") ? ["type": "string", "format": "uuid"] : ["type": "string"]
    }

    /// Bearer header, session cookie or `access_token` query parameter: any one of them.
    static let credentialSchemes: [JSONValue] = [["bearerToken": []], ["sessionCookie": []], ["accessTokenQuery": []]]

    private static func content(_ body: Body) -> JSONValue {
        .object(body.content.map { ($0.0, ["schema": $0.1]) })
    }
}
