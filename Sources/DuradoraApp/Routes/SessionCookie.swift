/// The `duradora_session` cookie that carries an access token for browsers (`<audio src>` and the web UI).
/// HttpOnly keeps it from scripts; SameSite=Lax keeps it off cross-site POSTs; Secure when served over https.
struct SessionCookie: Sendable {
    let isSecure: Bool

    /// `Set-Cookie` value that stores `token` for `maxAge` seconds (the access token's lifetime).
    func setting(_ token: String, maxAge: Int) -> String {
        attributes("\(Credentials.cookieName)=\(token)", extra: "Max-Age=\(maxAge)")
    }

    /// `Set-Cookie` value that makes the browser drop the cookie.
    var clearing: String {
        attributes("\(Credentials.cookieName)=", extra: "Max-Age=0")
    }

    /// The same attributes for another cookie (the hosting service's refresh cookie, scoped to `path`).
    func setting(_ name: String, _ value: String, maxAge: Int, path: String) -> String {
        attributes("\(name)=\(value)", extra: "Max-Age=\(maxAge)", path: path)
    }

    func clearing(_ name: String, path: String) -> String {
        attributes("\(name)=", extra: "Max-Age=0", path: path)
    }

    private func attributes(_ pair: String, extra: String, path: String = "/") -> String {
        var parts = [pair, "HttpOnly", "SameSite=Lax", "Path=\(path)", extra]
        if isSecure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
