import DuradoraHTTP
import Foundation

/// `/api/v1/auth/app-passwords…`: make, list and revoke the caller's app passwords. Rules in `AppPasswordService`.
struct AppPasswordRoutes: Sendable {
    let appPasswords: AppPasswordService

    func register(on router: Router) {
        router.post("/api/v1/auth/app-passwords") { request, context in
            let user = try context.requireUser()
            let body = try JSONBody.read(request)!
            let (appPassword, password) = try appPasswords.create(for: user, name: try body.requiredString("name"))
            // The only time the password is shown: no cache may keep it.
            return try .json(AppPasswordResource(appPassword, password: password), status: .created,
                             headers: [.cacheControl: "no-store"])
        }
        router.get("/api/v1/auth/app-passwords") { request, context in
            let user = try context.requireUser()
            let page = try Pagination(request)
            let all = try appPasswords.list(for: user)
            let items = all.dropFirst(page.offset).prefix(page.limit).map { AppPasswordResource($0, password: nil) }
            return try .json(AppPasswordList(items: Array(items), total: all.count, limit: page.limit, offset: page.offset))
        }
        router.delete("/api/v1/auth/app-passwords/{id}") { _, context in
            let user = try context.requireUser()
            guard let id = UUID.parse(context.parameters.require("id")) else { throw APIError.notFound("App password") }
            try appPasswords.revoke(id: id, for: user)
            return Response(status: .noContent)
        }
    }
}

/// `{"id","name","created_at"}`, plus `"password"` once, in the answer that created it.
struct AppPasswordResource: Encodable {
    let appPassword: AppPassword
    let password: String?

    init(_ appPassword: AppPassword, password: String?) {
        self.appPassword = appPassword
        self.password = password
    }

    enum CodingKeys: String, CodingKey {
        case id, name, password
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(appPassword.id.lowercasedString, forKey: .id)
        try container.encode(appPassword.name, forKey: .name)
        if let password { try container.encode(password, forKey: .password) }
        try container.encode(RFC3339.string(from: appPassword.createdAt), forKey: .createdAt)
    }
}

struct AppPasswordList: Encodable {
    let items: [AppPasswordResource]
    let total: Int
    let limit: Int
    let offset: Int
}
