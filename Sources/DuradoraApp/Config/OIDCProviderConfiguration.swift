import Foundation
import TOMLKit

/// One `[auth.oidc.<name>]` section: an OpenID Connect provider (`issuer`, discovered through
/// `/.well-known/openid-configuration`) or a plain OAuth 2.0 one with a userinfo endpoint (explicit URLs; Yandex ID
/// is one). The back channel (discovery, token, userinfo, JWKS) goes through our own client, over https (the
/// system's certificate authorities, plus `ca_file`) or plain http (a provider on loopback).
public struct OIDCProviderConfiguration: Sendable, Equatable {
    public var name: String
    public var issuer = ""
    public var authorizationURL = ""
    public var tokenURL = ""
    public var userinfoURL = ""
    /// The key set (JWKS) ID tokens are verified against; "" = the discovery document's `jwks_uri`, if any.
    public var jwksURL = ""
    /// A PEM file of certificate authorities trusted for this provider besides the system's (a private CA).
    public var caFile = ""
    public var clientID = ""
    public var clientSecret = ""
    /// "" = `<public_url>` + the callback route the login started from.
    public var redirectURL = ""
    /// Empty = `openid profile email` for an OIDC provider, none for OAuth 2.0.
    public var scopes: [String] = []
    /// The userinfo claim that names the account at the provider (Yandex: `id`); it never changes, unlike an email.
    public var subjectClaim = "sub"
    /// The claim that suggests a local username on first login (Yandex: `login`).
    public var usernameClaim = "preferred_username"

    public init(name: String) {
        self.name = name
        if name == "yandex" {
            // Yandex ID: OAuth 2.0 with a userinfo endpoint.
            authorizationURL = "https://oauth.yandex.ru/authorize"
            tokenURL = "https://oauth.yandex.ru/token"
            userinfoURL = "https://login.yandex.ru/info?format=json"
            subjectClaim = "id"
            usernameClaim = "login"
        }
    }

    /// OpenID Connect (an ID token, a nonce) rather than plain OAuth 2.0.
    public var isOpenIDConnect: Bool { !issuer.isEmpty || effectiveScopes.contains("openid") }

    public var effectiveScopes: [String] {
        if !scopes.isEmpty { return scopes }
        return issuer.isEmpty ? [] : ["openid", "profile", "email"]
    }

    static let tableKey = "auth.oidc"
    static let keys = ["issuer", "authorization_url", "token_url", "userinfo_url", "client_id", "client_secret",
                       "redirect_url", "scopes", "subject_claim", "username_claim", "jwks_url", "ca_file"]

    /// Sets one key; false for an unknown key or a wrong type.
    mutating func set(_ key: String, _ value: TOMLValue) -> Bool {
        if key == "scopes" {
            guard let array = value.array else { return false }
            let strings = array.compactMap { $0.tomlValue.string }
            guard strings.count == array.count else { return false }
            scopes = strings
            return true
        }
        guard let text = value.string else { return false }
        set(key, text)
        return true
    }

    /// Sets a string key (also from the environment, e.g. `YANDEX_CLIENT_ID`).
    mutating func set(_ key: String, _ text: String) {
        switch key {
        case "issuer": issuer = text.hasSuffix("/") ? String(text.dropLast()) : text
        case "authorization_url": authorizationURL = text
        case "token_url": tokenURL = text
        case "userinfo_url": userinfoURL = text
        case "client_id": clientID = text
        case "client_secret": clientSecret = text
        case "redirect_url": redirectURL = text
        case "subject_claim": subjectClaim = text
        case "username_claim": usernameClaim = text
        case "jwks_url": jwksURL = text
        case "ca_file": caFile = text
        default: break
        }
    }

    /// What is wrong with the section as a whole, as (key, message), or nil.
    func problem() -> (key: String, message: String)? {
        guard name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F })
        else { return ("", "a provider name may contain only a-z, 0-9, '-' and '_'") }
        if clientID.isEmpty { return ("client_id", "is required") }
        if issuer.isEmpty {
            for (key, value) in [("authorization_url", authorizationURL), ("token_url", tokenURL)] where value.isEmpty {
                return (key, "is required without an issuer (OpenID Connect discovery)")
            }
            if userinfoURL.isEmpty { return ("userinfo_url", "is required without an issuer: it names the account") }
        }
        for (key, value) in [("issuer", issuer), ("token_url", tokenURL), ("userinfo_url", userinfoURL),
                           ("jwks_url", jwksURL)] where !value.isEmpty {
            guard let url = URLComponents(string: value), let host = url.host, !host.isEmpty else {
                return (key, "must be an absolute URL, got \"\(value)\"")
            }
            if url.scheme?.lowercased() != "http" && url.scheme?.lowercased() != "https" {
                return (key, "must be an http:// or https:// URL, got \"\(value)\"")
            }
        }
        for (key, value) in [("authorization_url", authorizationURL), ("redirect_url", redirectURL)] where !value.isEmpty {
            guard let scheme = URLComponents(string: value)?.scheme?.lowercased(), scheme == "http" || scheme == "https"
            else { return (key, "must be an http:// or https:// URL, got \"\(value)\"") }
        }
        return nil
    }
}

extension Configuration {
    /// Reads every `[auth.oidc.<name>]` table (`collect` skips `auth.oidc`: its names are the operator's); the
    /// sections are checked as a whole by `checkOIDCProviders` once every source is read.
    mutating func applyOIDCProviders(_ table: TOMLTable, makeError: ([String], String, String) -> ConfigurationError) throws {
        guard let oidc = table["auth"]?.tomlValue.table?["oidc"]?.tomlValue else { return }
        guard let providers = oidc.table else {
            throw makeError(["auth", "oidc"], "auth.oidc", "must be a table of providers ([auth.oidc.NAME])")
        }
        for (name, convertible) in providers {
            let path = ["auth", "oidc", name]
            guard let section = convertible.tomlValue.table else {
                throw makeError(path, path.joined(separator: "."), "must be a table ([auth.oidc.\(name)])")
            }
            var provider = auth.oidc.first { $0.name == name } ?? OIDCProviderConfiguration(name: name)
            for (key, value) in section {
                guard OIDCProviderConfiguration.keys.contains(key), provider.set(key, value.tomlValue) else {
                    let known = OIDCProviderConfiguration.keys.joined(separator: ", ")
                    throw makeError(path + [key], (path + [key]).joined(separator: "."),
                                    "unknown key or wrong type (known keys, all strings but scopes: \(known))")
                }
            }
            auth.oidc.removeAll { $0.name == name }
            auth.oidc.append(provider)
        }
    }

    /// The whole-section rules, once the file and the `YANDEX_*` names have had their say. A section written in
    /// the file is reported at its line; one made from the environment alone, at `YANDEX_CLIENT_ID`.
    func checkOIDCProviders(fileText: String?, path: String) throws {
        let locator = fileText.map { TOMLLineLocator(text: $0) }
        for provider in auth.oidc {
            guard let problem = provider.problem() else { continue }
            let (key, message) = problem
            let keyPath = ["auth", "oidc", provider.name]
            let source: ConfigurationError.Source = if let line = locator?.line(of: keyPath) {
                .file(path: path, line: line)
            } else {
                .environment(variable: "YANDEX_CLIENT_ID")
            }
            throw ConfigurationError(source: source, key: (keyPath + (key.isEmpty ? [] : [key])).joined(separator: "."),
                                     message: message)
        }
    }
}
