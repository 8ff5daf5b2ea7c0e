extension OpenAPIArea {
    /// `/api/v1/playlists…` and `/api/v1/users/{username}/playlists`, written from the API contract. Keep each
    /// entry's method and path identical to its `router.add` call in `PlaylistRoutes`.
    static let playlists = OpenAPIArea(
        tag: "playlists",
        description: "Ordered, shareable, searchable playlists. Positions are 0-based and dense; entries have their "
            + "own ids, so a track may appear twice. Entries whose tracks the caller may not see are left out.",
        schemas: [
            ("Playlist", Schemas.object(playlistProperties, required: playlistProperties.map(\.0))),
            ("PlaylistWithTracks", Schemas.object(
                playlistProperties + [("tracks", ["type": "array", "items": Schemas.ref("PlaylistEntry")])],
                required: playlistProperties.map(\.0) + ["tracks"])),
            ("PlaylistEntry", Schemas.object([
                ("entry_id", Schemas.uuid),
                ("position", ["type": "integer", "minimum": 0, "description": "0-based place in the playlist."]),
                ("track", Schemas.ref("Track")),
            ], required: ["entry_id", "position", "track"])),
            ("PlaylistPage", Schemas.page(of: Schemas.ref("Playlist"))),
            ("PlaylistCreate", Schemas.object(editableFields, required: ["name"])),
            ("PlaylistUpdate", Schemas.object(editableFields + [
                ("regenerate_share_token", ["type": "boolean",
                                            "description": "A new share token (link playlists only); the old one dies."]),
            ], required: [])),
            ("PlaylistEntryCreate", Schemas.object([
                ("track_id", Schemas.uuid),
                ("position", ["type": "integer", "minimum": 0,
                              "description": "Where to insert (0 is the top); default: at the end."]),
            ], required: ["track_id"])),
            ("PlaylistOrder", Schemas.object([
                ("entry_ids", ["type": "array", "items": Schemas.uuid, "uniqueItems": true,
                               "description": "Every entry id the caller sees, each once, in the new order."]),
            ], required: ["entry_ids"])),
        ],
        operations: [
            APIOperation(method: .post, path: "/api/v1/playlists", tag: "playlists", summary: "Create a playlist",
                         description: "Private unless `visibility` says otherwise.", access: .user,
                         requestBody: .json(Schemas.ref("PlaylistCreate")),
                         status: 201, responseDescription: "The new, empty playlist.",
                         responseBody: .json(Schemas.ref("PlaylistWithTracks")), errors: [400, 401, 413, 422]),
            APIOperation(method: .get, path: "/api/v1/playlists", tag: "playlists", summary: "List and search playlists",
                         description: "Public playlists plus the caller's own, newest first.", access: .optionalUser,
                         query: [.string("q", "Names containing this text (case-insensitive; % and _ are literal).")]
                             + APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of playlists (without their tracks).",
                         responseBody: .json(Schemas.ref("PlaylistPage")), errors: [401, 422]),
            APIOperation(method: .get, path: "/api/v1/playlists/shared/{share_token}", tag: "playlists",
                         summary: "Show a playlist shared by link", description: "Anyone holding the token.",
                         access: .optionalUser, status: 200, responseDescription: "The playlist with its tracks.",
                         responseBody: .json(Schemas.ref("PlaylistWithTracks")), errors: [401, 404]),
            APIOperation(method: .get, path: "/api/v1/playlists/{id}", tag: "playlists", summary: "Show a playlist",
                         description: "Public: anyone; private and link: the owner and admins (404 for others). "
                             + "All tracks in order, read in one query.",
                         access: .optionalUser, status: 200, responseDescription: "The playlist with its tracks.",
                         responseBody: .json(Schemas.ref("PlaylistWithTracks")), errors: [401, 404]),
            APIOperation(method: .patch, path: "/api/v1/playlists/{id}", tag: "playlists", summary: "Edit a playlist",
                         description: "Rename, describe, change visibility (leaving `link` kills the share token), "
                             + "or regenerate the share token.", access: .user,
                         requestBody: .json(Schemas.ref("PlaylistUpdate")),
                         status: 200, responseDescription: "The updated playlist with its tracks.",
                         responseBody: .json(Schemas.ref("PlaylistWithTracks")), errors: [400, 401, 403, 404, 413, 422]),
            APIOperation(method: .delete, path: "/api/v1/playlists/{id}", tag: "playlists", summary: "Delete a playlist",
                         description: "The tracks stay.", access: .user,
                         status: 204, responseDescription: "Deleted.", errors: [401, 403, 404]),
            APIOperation(method: .post, path: "/api/v1/playlists/{id}/tracks", tag: "playlists", summary: "Add a track",
                         description: "At `position` or at the end; later entries move down one place. The track "
                             + "must be visible to the caller (422 on `track_id` otherwise).", access: .user,
                         requestBody: .json(Schemas.ref("PlaylistEntryCreate")),
                         status: 201, responseDescription: "The new entry.",
                         responseBody: .json(Schemas.ref("PlaylistEntry")), errors: [400, 401, 403, 404, 413, 422]),
            APIOperation(method: .put, path: "/api/v1/playlists/{id}/tracks", tag: "playlists", summary: "Reorder",
                         description: "One transaction. A list that repeats an id is 422; one that is not exactly the "
                             + "current entries is 409 `stale_entries`, and nothing changes.", access: .user,
                         requestBody: .json(Schemas.ref("PlaylistOrder")),
                         status: 200, responseDescription: "The playlist in its new order.",
                         responseBody: .json(Schemas.ref("PlaylistWithTracks")),
                         errors: [400, 401, 403, 404, 409, 413, 422]),
            APIOperation(method: .delete, path: "/api/v1/playlists/{id}/tracks/{entry_id}", tag: "playlists",
                         summary: "Remove an entry", description: "Later entries move up one place.", access: .user,
                         status: 204, responseDescription: "Removed.", errors: [401, 403, 404]),
            APIOperation(method: .get, path: "/api/v1/users/{username}/playlists", tag: "playlists",
                         summary: "A user's playlists", description: "Public ones; all of them for the user and admins.",
                         access: .optionalUser, query: APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of playlists (without their tracks).",
                         responseBody: .json(Schemas.ref("PlaylistPage")), errors: [401, 404, 422]),
        ])

    private static let playlistProperties: [(String, JSONValue)] = [
        ("id", Schemas.uuid), ("name", Schemas.string), ("description", ["type": ["string", "null"]]),
        ("visibility", visibility), ("owner_id", Schemas.uuid), ("owner", Schemas.string),
        ("share_token", ["type": ["string", "null"],
                         "description": "Owner and admins only, while the playlist is shared by link."]),
        ("track_count", ["type": "integer", "minimum": 0]), ("duration_seconds", ["type": "number", "minimum": 0]),
        ("created_at", Schemas.dateTime), ("updated_at", Schemas.dateTime),
    ]

    private static let editableFields: [(String, JSONValue)] = [
        ("name", ["type": "string", "minLength": 1, "maxLength": 200]),
        ("description", ["type": ["string", "null"], "maxLength": 5000]),
        ("visibility", visibility),
    ]

    private static let visibility: JSONValue = ["type": "string", "enum": ["public", "private", "link"]]
}
