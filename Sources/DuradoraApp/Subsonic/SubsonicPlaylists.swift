import Foundation

/// getPlaylists, getPlaylist, createPlaylist, updatePlaylist, deletePlaylist: the REST API's playlists through
/// the same `PlaylistController`, so the rules are the same: a private playlist of someone else is "not found"
/// (70), changing someone else's public one "not authorized" (50). `public` maps onto visibility `public`;
/// `public=false` makes a public playlist private and leaves a link-shared one shared.
struct SubsonicPlaylists: Sendable {
    /// Playlists per `getPlaylists` answer at most.
    static let maxListed = 10_000

    let services: SubsonicServices
    private var playlists: PlaylistController { services.playlists }

    var endpoints: [String: SubsonicEndpoint] {
        [
            "getPlaylists": SubsonicEndpoint { call in try list(call) },
            "getPlaylist": SubsonicEndpoint { call in
                let view = try playlists.show(id: try Self.playlistID(call.parameters.required("id")), caller: call.caller)
                return .ok("playlist", SubsonicItems.playlist(view, withEntries: true))
            },
            "createPlaylist": SubsonicEndpoint { call in try create(call) },
            "updatePlaylist": SubsonicEndpoint { call in try update(call) },
            "deletePlaylist": SubsonicEndpoint { call in
                try playlists.delete(id: try Self.playlistID(call.parameters.required("id")), caller: call.caller)
                return .ok()
            },
        ]
    }

    /// Public playlists plus the caller's own; with `username`, that user's (all of them for themselves and admins).
    private func list(_ call: SubsonicCall) throws -> SubsonicResult {
        let page: Page<PlaylistView>
        if let username = call.parameters.string("username"), !username.isEmpty {
            page = try playlists.list(ownedBy: username, caller: call.caller, limit: Self.maxListed, offset: 0)
        } else {
            page = try playlists.list(text: nil, caller: call.caller, limit: Self.maxListed, offset: 0)
        }
        var result = SubsonicElement()
        result.add("playlist", page.items.map { SubsonicItems.playlist($0, withEntries: false) })
        return .ok("playlists", result)
    }

    /// With `playlistId`: replaces that playlist's songs. Otherwise a new private playlist called `name`.
    private func create(_ call: SubsonicCall) throws -> SubsonicResult {
        let parameters = call.parameters
        let songs = try Self.trackIDs(parameters.strings("songId"))
        let view: PlaylistView
        if let id = parameters.string("playlistId") {
            view = try playlists.editEntries(
                playlistID: try Self.playlistID(id), caller: call.caller, removingAll: true, appending: songs)
        } else {
            let name = try PlaylistRoutes.name(try parameters.required("name"))
            let created = try playlists.create(owner: call.caller, fields: PlaylistFields(name: name))
            do {
                view = try playlists.editEntries(playlistID: created.playlist.id, caller: call.caller, appending: songs)
            } catch {
                // Nothing half-made: a song that cannot be added takes the new playlist with it.
                try? playlists.delete(id: created.playlist.id, caller: call.caller)
                throw error
            }
        }
        return .ok("playlist", SubsonicItems.playlist(view, withEntries: true))
    }

    private func update(_ call: SubsonicCall) throws -> SubsonicResult {
        let parameters = call.parameters
        let id = try Self.playlistID(try parameters.required("playlistId"))
        let additions = try Self.trackIDs(parameters.strings("songIdToAdd"))
        let removals = try parameters.strings("songIndexToRemove").map { text throws(SubsonicError) -> Int in
            guard let index = Int(text), index >= 0 else { throw .invalid("songIndexToRemove", "must be an index") }
            return index
        }
        var fields = PlaylistFields()
        if let name = parameters.string("name") { fields.name = try PlaylistRoutes.name(name) }
        if let comment = parameters.string("comment") {
            try PlaylistRoutes.checkText(comment, "comment", max: PlaylistRoutes.maxDescriptionLength, allowsNewlines: true)
            fields.description = .some(comment.isEmpty ? nil : comment)
        }
        if let isPublic = try parameters.bool("public") {
            let current = try playlists.show(id: id, caller: call.caller).playlist.visibility
            if isPublic { fields.visibility = .public } else if current == .public { fields.visibility = .private }
        }
        // Entries first: they are checked most (visible songs, indexes in range); a refusal there changes nothing.
        if !additions.isEmpty || !removals.isEmpty {
            _ = try playlists.editEntries(playlistID: id, caller: call.caller, removing: removals, appending: additions)
        }
        if fields != PlaylistFields() { _ = try playlists.update(id: id, caller: call.caller, fields: fields) }
        if additions.isEmpty, removals.isEmpty, fields == PlaylistFields() {
            _ = try playlists.show(id: id, caller: call.caller)  // still "not found" for a playlist one may not see
        }
        return .ok()
    }

    static func playlistID(_ text: String) throws(SubsonicError) -> UUID {
        guard let id = UUID.parse(text) else { throw .notFound("Playlist") }
        return id
    }

    static func trackIDs(_ texts: [String]) throws(SubsonicError) -> [UUID] {
        try texts.map { text throws(SubsonicError) -> UUID in
            guard let id = UUID.parse(text) else { throw .notFound("Song") }
            return id
        }
    }
}
