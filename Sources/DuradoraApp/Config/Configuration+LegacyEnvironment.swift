import Foundation

/// The environment names of the earlier services, as aliases of our keys, so their compose files and `.env` files
/// work unchanged. `DURADORA_*` variables, being ours and more specific, win over these; these win over the file.
extension Configuration {
    /// Old name → our key, in the order applied (a later one wins: `DATABASE_URL` over `POSTGTRES_SQL_URI` over the
    /// `DB_*` parts). `DB_*` compose one URL, so they appear once, under `DB_NAME`.
    static let legacyEnvironmentNames: [(variable: String, key: String)] = [
        ("DB_NAME", "storage.database"),
        ("POSTGTRES_SQL_URI", "storage.database"),  // sic: the records service's spelling
        ("DATABASE_URL", "storage.database"),
        ("AUDIO_STORAGE_PATH", "storage.uploads"),
        ("INTERNAL_TOKEN_EXPIRE_HOURS", "auth.access_ttl_seconds"),
        ("YANDEX_CLIENT_ID", "auth.oidc.yandex.client_id"),
        ("YANDEX_CLIENT_SECRET", "auth.oidc.yandex.client_secret"),
        ("YANDEX_REDIRECT_URI", "auth.oidc.yandex.redirect_url"),
    ]

    mutating func apply(legacyEnvironment environment: [String: String], baseDirectory: String) throws {
        func given(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let name = given("DB_NAME") {
            // The hosting service's PostgreSQL parts, as one URL.
            // Percent-encoded: a password with "@" or "/" must not change where the URL points.
            func encoded(_ part: String, _ allowed: CharacterSet) -> String { part.addingPercentEncoding(withAllowedCharacters: allowed) ?? part }
            let user = given("DB_USER").map { user in
                let user = encoded(user, .urlUserAllowed)
                return given("DB_PASSWORD").map { "\(user):\(encoded($0, .urlPasswordAllowed))@" } ?? "\(user)@"
            } ?? ""
            let url = "postgresql://\(user)\(given("DB_HOST") ?? "localhost"):\(given("DB_PORT") ?? "5432")/\(name)"
            try setDatabase(url, variable: "DB_NAME", baseDirectory: baseDirectory)
        }
        for variable in ["POSTGTRES_SQL_URI", "DATABASE_URL"] {
            if let value = given(variable) { try setDatabase(value, variable: variable, baseDirectory: baseDirectory) }
        }
        if let path = given("AUDIO_STORAGE_PATH") {
            try set("storage.uploads", .string(path), variable: "AUDIO_STORAGE_PATH", baseDirectory: baseDirectory)
        }
        if let text = given("INTERNAL_TOKEN_EXPIRE_HOURS") {
            guard let hours = Int64(text.trimmingCharacters(in: .whitespaces)), hours > 0, hours <= 8_760 else {
                throw ConfigurationError(source: .environment(variable: "INTERNAL_TOKEN_EXPIRE_HOURS"),
                                         key: "auth.access_ttl_seconds", message: "must be whole hours in 1...8760, got \"\(text)\"")
            }
            try set("auth.access_ttl_seconds", .integer(hours * 3600), variable: "INTERNAL_TOKEN_EXPIRE_HOURS",
                    baseDirectory: baseDirectory)
        }
        let yandex = Self.legacyEnvironmentNames.filter { $0.key.hasPrefix("auth.oidc.yandex.") && given($0.variable) != nil }
        if !yandex.isEmpty {
            var provider = auth.oidc.first { $0.name == "yandex" } ?? OIDCProviderConfiguration(name: "yandex")
            for (variable, key) in yandex { provider.set(String(key.dropFirst("auth.oidc.yandex.".count)), given(variable)!) }
            auth.oidc.removeAll { $0.name == "yandex" }
            auth.oidc.append(provider)
        }
    }

    /// A SQLite path, a `sqlite:///relative` / `sqlite:////absolute` URL (SQLAlchemy's form), or a PostgreSQL URL,
    /// which the `storage.database` setting checks like any other source's.
    private mutating func setDatabase(_ value: String, variable: String, baseDirectory: String) throws {
        var path = value
        if value.lowercased().hasPrefix("sqlite:///") { path = String(value.dropFirst("sqlite:///".count)) }
        try set("storage.database", .string(path), variable: variable, baseDirectory: baseDirectory)
    }

    private mutating func set(_ key: String, _ value: ConfigurationValue, variable: String, baseDirectory: String) throws {
        guard let setting = ConfigurationSetting.named(key) else { preconditionFailure("no setting \(key)") }
        if let problem = setting.check(value) {
            throw ConfigurationError(source: .environment(variable: variable), key: key, message: problem)
        }
        setting.write(&self, value, baseDirectory)
    }
}
