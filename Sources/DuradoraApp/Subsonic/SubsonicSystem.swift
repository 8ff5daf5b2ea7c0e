import Foundation

/// System and user endpoints: ping, getLicense, getOpenSubsonicExtensions, tokenInfo, getMusicFolders,
/// getUser, getUsers.
struct SubsonicSystem: Sendable {
    /// What is implemented, and nothing more: clients switch behaviour on these (Feishin POSTs everything once
    /// `formPost` is listed). The transcoding work adds `transcodeOffset` here when `timeOffset` really seeks.
    static let extensions: [(name: String, versions: [Int])] = [
        ("formPost", [1]), ("apiKeyAuthentication", [1]), ("transcodeOffset", [1]), ("songLyrics", [1]),
    ]
    /// One folder: Duradora has no per-folder permissions. An integer id, as clients require.
    static let musicFolderID = 1

    let services: SubsonicServices

    var endpoints: [String: SubsonicEndpoint] {
        [
            "ping": SubsonicEndpoint { _ in .ok() },
            "getLicense": SubsonicEndpoint { _ in
                var license = SubsonicElement()
                license.set("valid", true)
                return .ok("license", license)
            },
            "getOpenSubsonicExtensions": SubsonicEndpoint(requiresUser: false) { _ in
                var list = SubsonicElement()
                list.add("openSubsonicExtensions", Self.extensions.map { name, versions in
                    var element = SubsonicElement()
                    element.set("name", name)
                    element.add("versions", values: versions.map { .int($0) })
                    return element
                })
                return .document(.ok(content: list))
            },
            "tokenInfo": SubsonicEndpoint { call in
                var info = SubsonicElement()
                info.set("username", call.caller.username)
                return .ok("tokenInfo", info)
            },
            "getMusicFolders": SubsonicEndpoint { _ in
                var folder = SubsonicElement()
                folder.set("id", Self.musicFolderID)
                folder.set("name", "Music")
                var folders = SubsonicElement()
                folders.add("musicFolder", [folder])
                return .ok("musicFolders", folders)
            },
            "getUser": SubsonicEndpoint { call in try user(call) },
            "getUsers": SubsonicEndpoint { call in
                guard call.caller.isAdmin else { throw SubsonicError.notAuthorized("Only admins may list users") }
                let page = try services.database.read { try $0.users.list(limit: 100_000, offset: 0) }
                var users = SubsonicElement()
                users.add("user", page.items.map(element))
                return .ok("users", users)
            },
        ]
    }

    /// `getUser`: anyone about themselves, admins about anyone.
    private func user(_ call: SubsonicCall) throws -> SubsonicResult {
        let username = try call.parameters.required("username")
        let caller = call.caller
        guard caller.isAdmin || caller.username.lowercased() == username.lowercased() else {
            throw SubsonicError.notAuthorized("Only admins may see other users")
        }
        guard let user = try services.database.read({ try $0.users.find(username: username) }) else {
            throw SubsonicError.notFound("User")
        }
        return .ok("user", element(user))
    }

    /// Roles say what this server lets the user do through Subsonic (all 13 are required by the schema).
    private func element(_ user: User) -> SubsonicElement {
        var element = SubsonicElement()
        element.set("username", user.username)
        element.set("scrobblingEnabled", true)
        element.set("adminRole", user.isAdmin)
        element.set("settingsRole", false)
        element.set("downloadRole", true)
        element.set("uploadRole", user.isAdmin || services.tracks.settings.userUploads)
        element.set("playlistRole", true)
        element.set("coverArtRole", false)
        element.set("commentRole", false)
        element.set("podcastRole", false)
        element.set("streamRole", true)
        element.set("jukeboxRole", false)
        element.set("shareRole", false)
        element.set("videoConversionRole", false)
        element.add("folder", values: [.int(Self.musicFolderID)])
        return element
    }
}
