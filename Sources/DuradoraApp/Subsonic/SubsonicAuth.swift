import DuradoraHTTP
import Foundation

/// Who a Subsonic request comes from. Only app passwords count (`AppPasswordService`), in the three forms
/// clients send: `u` + `p` (clear, or `enc:` + hex in either case), `u` + `t` + `s` (t = md5(password + salt),
/// salt of at least 6 characters, the same salt may come again: DSub keeps one per server), or `apiKey` alone.
struct SubsonicAuth: Sendable {
    static let minimumSaltLength = 6

    let appPasswords: AppPasswordService

    func authenticate(_ parameters: SubsonicParameters, request: Request) throws -> User {
        let legacy = ["u", "p", "t", "s"].filter(parameters.contains)
        if let apiKey = parameters.string("apiKey") {
            guard legacy.isEmpty else {
                throw SubsonicError(code: .conflictingAuthMechanisms,
                                    message: "apiKey cannot be combined with \(legacy.joined(separator: ", "))")
            }
            guard !apiKey.isEmpty, apiKey.utf8.count < 2048, let user = try appPasswords.authenticate(apiKey: apiKey)
            else { throw SubsonicError(code: .invalidAPIKey, message: "Invalid API key") }
            return user
        }
        guard let username = parameters.string("u") else {
            if legacy.isEmpty, Credentials.extract(from: request) != nil {
                // A REST session token: not a Subsonic mechanism, and it must not become one by accident.
                throw SubsonicError(code: .authMechanismNotSupported,
                                    message: "Authenticate with u and an app password (p, or t and s), or apiKey")
            }
            throw SubsonicError.missing("u")
        }
        if let password = parameters.string("p") {
            guard !parameters.contains("t"), !parameters.contains("s") else {
                throw SubsonicError(code: .conflictingAuthMechanisms, message: "Send either p or t and s, not both")
            }
            guard let clear = Self.decodePassword(password),
                  let user = try appPasswords.authenticate(username: username, password: clear)
            else { throw SubsonicError.wrongCredentials }
            return user
        }
        guard let token = parameters.string("t") else {
            throw parameters.contains("s") ? SubsonicError.missing("t") : SubsonicError.missing("p or t and s")
        }
        guard let salt = parameters.string("s") else { throw SubsonicError.missing("s") }
        guard salt.count >= Self.minimumSaltLength else {
            throw SubsonicError(code: .tokenAuthNotSupported,
                                message: "Token authentication needs a salt of at least \(Self.minimumSaltLength) characters")
        }
        guard let user = try appPasswords.authenticate(username: username, token: token, salt: salt) else {
            throw SubsonicError.wrongCredentials
        }
        return user
    }

    /// `p` as sent, or the UTF-8 text of `enc:HEX`; nil when the hex is broken.
    static func decodePassword(_ value: String) -> String? {
        guard value.count >= 4, value.prefix(4).lowercased() == "enc:" else { return value }
        return decodeHex(value.utf8.dropFirst(4))
    }

    /// The UTF-8 text whose bytes `digits` spell in hex (either case); nil for odd lengths, non-hex or non-UTF-8.
    static func decodeHex(_ digits: some Collection<UInt8>) -> String? {
        let hex = Array(digits)
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        for index in stride(from: 0, to: hex.count, by: 2) {
            guard let high = hex[index].hexDigitValue, let low = hex[index + 1].hexDigitValue else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
