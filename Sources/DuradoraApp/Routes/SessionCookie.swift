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

    private func attributes(_ pair: String, extra: String) -> String {
        var parts = [pair, "HttpOnly", "SameSite=Lax", "Path=/", extra]
        if isSecure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
