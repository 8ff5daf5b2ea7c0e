import Foundation

/// A playlist as the API shows it (contract, "Playlists"). `share_token` only to its owner and admins (null
/// otherwise, and for playlists not shared by link); `tracks` only on single-playlist answers.
struct PlaylistResource: Encodable {
    let view: PlaylistView
    let showsShareToken: Bool
    let baseURL: String

    init(_ view: PlaylistView, caller: User?, baseURL: String) {
        self.view = view
        showsShareToken = PlaylistController.canEdit(view.playlist, caller)
        self.baseURL = baseURL
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, visibility, owner, tracks
        case ownerID = "owner_id"
        case shareToken = "share_token"
        case trackCount = "track_count"
        case durationSeconds = "duration_seconds"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let playlist = view.playlist
        try container.encode(playlist.id.lowercasedString, forKey: .id)
        try container.encode(playlist.name, forKey: .name)
        try container.encode(playlist.description, forKey: .description)
        try container.encode(playlist.visibility, forKey: .visibility)
        try container.encode(playlist.ownerID.lowercasedString, forKey: .ownerID)
        try container.encode(playlist.ownerName, forKey: .owner)
        try container.encode(showsShareToken ? playlist.shareToken : nil, forKey: .shareToken)
        try container.encode(view.trackCount, forKey: .trackCount)
        try container.encode(view.durationSeconds, forKey: .durationSeconds)
        try container.encode(RFC3339.string(from: playlist.createdAt), forKey: .createdAt)
        try container.encode(RFC3339.string(from: playlist.updatedAt), forKey: .updatedAt)
        if let entries = view.entries {
            try container.encode(entries.map { PlaylistEntryResource(entry: $0, baseURL: baseURL) }, forKey: .tracks)
        }
    }
}

/// `{"entry_id","position","track": track object}`.
struct PlaylistEntryResource: Encodable {
    let entry: PlaylistEntry
    let baseURL: String

    enum CodingKeys: String, CodingKey {
        case position, track
        case entryID = "entry_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entry.id.lowercasedString, forKey: .entryID)
        try container.encode(entry.position, forKey: .position)
        try container.encode(TrackResource(track: entry.track, baseURL: baseURL), forKey: .track)
    }
}

/// `{"items": [...], "total": N, "limit": L, "offset": O}` of playlists (without their tracks).
struct PlaylistList: Encodable {
    let items: [PlaylistResource]
    let total: Int
    let limit: Int
    let offset: Int

    init(_ page: Page<PlaylistView>, caller: User?, baseURL: String) {
        items = page.items.map { PlaylistResource($0, caller: caller, baseURL: baseURL) }
        total = page.total
        limit = page.limit
        offset = page.offset
    }
}
