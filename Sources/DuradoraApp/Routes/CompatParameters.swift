import DuradoraHTTP
import Foundation

/// The parameters of a request to one of the earlier services' routes, which took each parameter from the query,
/// a urlencoded form or a JSON body alike. The query wins over the body (as `SeedCredentials` reads it); empty
/// values count as absent. The body is read only when it is JSON or a form, so an upload's body stays unread.
struct CompatParameters {
    private(set) var fields: [String: String]

    /// Query and, unless `readsBody` is false or the body is not JSON or a form, the body's fields.
    init(_ request: Request, readsBody: Bool = true) throws {
        var fields: [String: String] = [:]
        if readsBody, Self.hasParameterBody(request), let body = try JSONBody.read(request, allowEmpty: true) {
            fields = body.textFields
        }
        for item in request.queryItems where !item.value.isEmpty { fields[item.name] = item.value }
        self.fields = fields.filter { !$0.value.isEmpty }
    }

    /// Query fields merged over fields received some other way (the text parts of a multipart upload).
    init(_ request: Request, over received: [String: String]) {
        var fields = received.filter { !$0.value.isEmpty }
        for item in request.queryItems where !item.value.isEmpty { fields[item.name] = item.value }
        self.fields = fields
    }

    /// The first of `names` that was given.
    func string(_ names: String...) -> String? {
        names.lazy.compactMap { fields[$0] }.first
    }

    /// The first of `names` that was given; 422 naming the first name otherwise.
    func required(_ names: String...) throws(APIError) -> String {
        guard let value = names.lazy.compactMap({ fields[$0] }).first else {
            throw .invalidField(names[0], "is required")
        }
        return value
    }

    /// A UUID parameter that names a `what`: absent is 422, malformed names nothing, so 404 like an unknown one.
    func id(_ name: String, of what: String) throws(APIError) -> UUID {
        guard let id = UUID(uuidString: try required(name)) else { throw .notFound(what) }
        return id
    }

    /// JSON or a urlencoded form: a body that holds parameters (anything else is an upload or nothing).
    static func hasParameterBody(_ request: Request) -> Bool {
        guard let value = request.headers[.contentType], let type = try? MediaType(parsing: value) else { return false }
        return type.essence == "application/json" || type.essence == "application/x-www-form-urlencoded"
    }
}

/// `{"status": "success"}`, optionally with an `id` or a `token`: the earlier music API's answer to a change.
struct CompatSuccess: Encodable {
    var status = "success"
    var id: String?
    var token: String?

    init(id: UUID? = nil, token: String? = nil) {
        self.id = id?.lowercasedString
        self.token = token
    }
}
