import Foundation

/// getArtistInfo, getArtistInfo2, getAlbumInfo, getAlbumInfo2 from what the library holds. Tags carry no biography
/// or notes and we fetch nothing from Last.fm, so those stay empty rather than invented. Images are the REST cover
/// thumbnails (absolute URLs, three sizes); similar artists are the ones whose albums share a genre with this
/// artist's, the most shared albums first.
struct SubsonicInfo: Sendable {
    /// Pixel sizes of `smallImageUrl`, `mediumImageUrl`, `largeImageUrl`.
    static let imageSizes = [("smallImageUrl", 150), ("mediumImageUrl", 300), ("largeImageUrl", 600)]
    /// `count` of similar artists at most (default 20, as in Subsonic).
    static let maxSimilar = 50
    /// Albums read per shared genre when looking for similar artists, and genres looked at: bounds the work of one
    /// call whatever the library's size.
    static let albumsPerGenre = 500
    static let genresLooked = 5

    let services: SubsonicServices

    var endpoints: [String: SubsonicEndpoint] {
        [
            "getArtistInfo": SubsonicEndpoint { call in try artistInfo(call, id3: false) },
            "getArtistInfo2": SubsonicEndpoint { call in try artistInfo(call, id3: true) },
            "getAlbumInfo": SubsonicEndpoint { call in try albumInfo(call) },
            "getAlbumInfo2": SubsonicEndpoint { call in try albumInfo(call) },
        ]
    }

    private var library: LibraryController { services.library }

    private func artistInfo(_ call: SubsonicCall, id3: Bool) throws -> SubsonicResult {
        let id = try SubsonicBrowsing.uuid(try call.parameters.required("id"), "Artist")
        let count = try call.parameters.int("count", default: 20, in: 0...Self.maxSimilar)
        let (artist, albums) = try library.artist(id: id, caller: call.caller)
        var info = SubsonicElement()
        info.add("biography", value: "")
        if artist.coverHash != nil { addImages(to: &info, kind: .artists, id: artist.id) }
        let similar = try similarArtists(to: artist, albums: albums, count: count, caller: call.caller)
        info.add("similarArtist", similar.map { SubsonicBrowsing.artistElement($0, id3: id3) })
        return .ok(id3 ? "artistInfo2" : "artistInfo", info)
    }

    private func albumInfo(_ call: SubsonicCall) throws -> SubsonicResult {
        let id = try SubsonicBrowsing.uuid(try call.parameters.required("id"), "Album")
        let (album, _) = try library.album(id: id, caller: call.caller)
        var info = SubsonicElement()
        info.add("notes", value: "")
        if album.coverHash != nil { addImages(to: &info, kind: .albums, id: album.id) }
        return .ok("albumInfo", info)
    }

    /// `…ImageUrl` children: the REST cover route of the item at each size. Readable without credentials when the
    /// item has public tracks (what a client's image loader can fetch), like `/api/v1/albums/{id}/cover` itself.
    private func addImages(to info: inout SubsonicElement, kind: LibraryItemKind, id: UUID) {
        let base = services.baseURL() + "/api/v1/\(kind.rawValue)/\(SubsonicItems.id(id))/cover?size="
        for (name, size) in Self.imageSizes { info.add(name, value: base + String(size)) }
    }

    /// Artists (the caller may see) with albums in the genres of `albums`, ranked by how many such albums they have,
    /// then by name; `artist` itself left out.
    private func similarArtists(to artist: Artist, albums: [Album], count: Int, caller: User) throws -> [Artist] {
        guard count > 0 else { return [] }
        var genres: [String] = []
        for genre in albums.compactMap(\.genre) where !genre.isEmpty && !genres.contains(genre) { genres.append(genre) }
        var shared: [UUID: (name: String, albums: Int)] = [:]
        for genre in genres.prefix(Self.genresLooked) {
            let page = try library.albums(AlbumQuery(genre: genre, sort: .name, limit: Self.albumsPerGenre, countsTotal: false), caller: caller)
            for album in page.items {
                guard let other = album.artistID, other != artist.id else { continue }
                shared[other, default: (album.artistName ?? "", 0)].albums += 1
            }
        }
        let ranked = shared.sorted { lhs, rhs in
            lhs.value.albums != rhs.value.albums ? lhs.value.albums > rhs.value.albums
                : lhs.value.name.localizedCaseInsensitiveCompare(rhs.value.name) == .orderedAscending
        }
        return try ranked.prefix(count).compactMap { id, _ in
            try SubsonicBrowsing.found { try library.artist(id: id, caller: caller).artist }
        }
    }
}
