import Foundation

/// createShare, getShares, updateShare, deleteShare on `ShareController`. A share's `url` is the public page
/// `/share/{token}` (`ShareRoutes`), which plays its tracks without login until it expires or is deleted.
struct SubsonicShares: Sendable {
    let services: SubsonicServices
    private var shares: ShareController { services.shares }

    var endpoints: [String: SubsonicEndpoint] {
        [
            "getShares": SubsonicEndpoint { call in
                let caller = call.caller
                return .ok("shares", try element(of: try shares.list(caller: caller), caller: caller))
            },
            "createShare": SubsonicEndpoint { call in
                let texts = call.parameters.strings("id")
                guard !texts.isEmpty else { throw SubsonicError.missing("id") }
                let ids = try texts.map { text throws(SubsonicError) -> UUID in
                    guard let id = UUID.parse(text) else { throw .notFound("Song, album or playlist \(text)") }
                    return id
                }
                let share = try shares.create(owner: call.caller, ids: ids, description: try description(call),
                                              expiresAt: try expires(call))
                return .ok("shares", try element(of: [share], caller: call.caller))
            },
            "updateShare": SubsonicEndpoint { call in
                let id = try Self.shareID(call)
                let current = try shares.show(id: id, caller: call.caller)
                // Absent parameters keep what the share has (py-sonic drops the ones it was not given).
                let text = call.parameters.string("description") == nil ? current.description : try description(call)
                let expiry = call.parameters.string("expires") == nil ? current.expiresAt : try expires(call)
                _ = try shares.update(id: id, description: text, expiresAt: expiry, caller: call.caller)
                return .ok()
            },
            "deleteShare": SubsonicEndpoint { call in
                try shares.delete(id: try Self.shareID(call), caller: call.caller)
                return .ok()
            },
        ]
    }

    /// `list` are the caller's own shares (getShares lists no one else's).
    private func element(of list: [Share], caller: User) throws -> SubsonicElement {
        var result = SubsonicElement()
        result.add("share", try list.map { share in
            var element = SubsonicElement()
            element.set("id", share.id)
            element.set("url", services.baseURL() + ShareRoutes.pagePath(share.token))
            element.set("description", share.description)
            element.set("username", caller.username)
            element.set("created", share.createdAt)
            element.set("expires", share.expiresAt)
            element.set("visitCount", 0)
            element.add("entry", try shares.entries(of: share, owner: caller).map { SubsonicItems.song($0) })
            return element
        })
        return result
    }

    private func description(_ call: SubsonicCall) throws(SubsonicError) -> String? {
        guard let text = call.parameters.string("description"), !text.isEmpty else { return nil }
        guard text.count <= ShareController.maxDescriptionLength else {
            throw .invalid("description", "may be at most \(ShareController.maxDescriptionLength) characters")
        }
        return text
    }

    /// `expires`: milliseconds since 1970; 0 or empty: never.
    private func expires(_ call: SubsonicCall) throws(SubsonicError) -> Date? {
        guard let milliseconds = try call.parameters.int("expires"), milliseconds > 0 else { return nil }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    private static func shareID(_ call: SubsonicCall) throws -> UUID {
        guard let id = UUID.parse(try call.parameters.required("id")) else { throw SubsonicError.notFound("Share") }
        return id
    }
}
