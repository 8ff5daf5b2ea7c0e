extension OpenAPIArea {
    /// `/share/{token}…`: the public side of Subsonic shares (made with `createShare`). Keep each entry's method and
    /// path identical to its `router.get` call in `ShareRoutes`.
    static let shares = OpenAPIArea(
        tag: "shares",
        description: "Public links to a fixed list of tracks, made by Subsonic `createShare`: no login, until the "
            + "share expires or is deleted (then 404).",
        schemas: [
            ("SharePage", Schemas.object([
                ("description", ["type": ["string", "null"]]),
                ("owner", ["type": "string", "description": "The username of whoever shared it."]),
                ("created_at", Schemas.dateTime),
                ("expires_at", ["type": ["string", "null"], "format": "date-time"]),
                ("tracks", ["type": "array", "items": Schemas.ref("ShareTrack")]),
            ], required: ["description", "owner", "created_at", "expires_at", "tracks"])),
            ("ShareTrack", Schemas.object([
                ("id", Schemas.uuid), ("title", ["type": ["string", "null"]]), ("artist", ["type": ["string", "null"]]),
                ("album", ["type": ["string", "null"]]), ("duration_seconds", ["type": ["number", "null"]]),
                ("stream_url", ["type": "string"]), ("cover_url", ["type": ["string", "null"]]),
            ], required: ["id", "title", "artist", "album", "duration_seconds", "stream_url", "cover_url"])),
        ],
        operations: [
            APIOperation(method: .get, path: "/share/{token}", tag: "shares", summary: "Show a share",
                         description: "Its tracks the owner may still hear, in order, with their stream and cover links.",
                         access: .anyone, status: 200, responseDescription: "The share.",
                         responseBody: .json(Schemas.ref("SharePage")), errors: [404]),
            APIOperation(method: .get, path: "/share/{token}/tracks/{id}/stream", tag: "shares",
                         summary: "Stream a shared track",
                         description: "The stored file, as `/api/v1/tracks/{id}/stream` serves it (Range, If-Range, "
                             + "ETag). Only the share's own tracks: any other id is 404.",
                         access: .anyone, status: 200, responseDescription: "The whole file.",
                         responseBody: audio,
                         alternatives: [(206, "The requested range."), (304, "Not modified.")],
                         errors: [404, 409, 416]),
            APIOperation(method: .get, path: "/share/{token}/tracks/{id}/cover", tag: "shares",
                         summary: "Cover of a shared track", description: "A 512-pixel thumbnail; 404 without one.",
                         access: .anyone, status: 200, responseDescription: "The thumbnail.",
                         responseBody: APIOperation.Body(description: "", content: [
                             ("image/jpeg", ["type": "string", "contentMediaType": "image/jpeg"]),
                             ("image/webp", ["type": "string", "contentMediaType": "image/webp"])]),
                         alternatives: [(304, "Not modified.")], errors: [404]),
        ])
}
