import Foundation

/// Browsing by folder and by ID3 tags (getIndexes, getMusicDirectory, getArtists, getArtist, getAlbum,
/// getAlbumList, getAlbumList2, getGenres, getSongsByGenre), and the artist and album ids every song carries.
///
/// Until the library tables land (issue 13), artists and albums are derived from the tracks' `artist`/`album`
/// text (`TrackGroupRepository`), and their ids encode that text: `ar-<hex artist>`, `al-<hex artist>-<hex album>`
/// (ASCII-lowercased, so they group as `COLLATE NOCASE` does; no spaces or slashes, as clients need). This file is
/// the only place that knows; switching to album and artist rows means replacing these ids and queries here.
struct SubsonicBrowsing: Sendable {
    static let ignoredArticles = "The El La Los Las Le Les"
    private static let unknownArtist = "[Unknown Artist]"
    private static let unknownAlbum = "[Unknown Album]"
    /// Albums per list page at most (getAlbumList `size`).
    private static let maxListSize = 500

    let services: SubsonicServices

    var endpoints: [String: SubsonicEndpoint] {
        [
            "getIndexes": SubsonicEndpoint { call in try indexes(call, id3: false) },
            "getArtists": SubsonicEndpoint { call in try indexes(call, id3: true) },
            "getArtist": SubsonicEndpoint { call in try artist(call) },
            "getAlbum": SubsonicEndpoint { call in try album(call) },
            "getMusicDirectory": SubsonicEndpoint { call in try directory(call) },
            "getAlbumList": SubsonicEndpoint { call in try albumList(call, id3: false) },
            "getAlbumList2": SubsonicEndpoint { call in try albumList(call, id3: true) },
            "getGenres": SubsonicEndpoint { call in try genres(call) },
            "getSongsByGenre": SubsonicEndpoint { call in try songsByGenre(call) },
            "getArtistInfo": SubsonicEndpoint { call in try info(call, artist: true, name: "artistInfo") },
            "getArtistInfo2": SubsonicEndpoint { call in try info(call, artist: true, name: "artistInfo2") },
            "getAlbumInfo": SubsonicEndpoint { call in try info(call, artist: false, name: "albumInfo") },
            "getAlbumInfo2": SubsonicEndpoint { call in try info(call, artist: false, name: "albumInfo") },
        ]
    }

    // MARK: Ids

    enum ID: Equatable {
        case artist(String)
        case album(artist: String, album: String)
    }

    static func artistID(_ artist: String?) -> String { "ar-" + hex(artist ?? "") }

    static func albumID(artist: String?, album: String?) -> String {
        "al-" + hex(artist ?? "") + "-" + hex(album ?? "")
    }

    static func parse(_ id: String) -> ID? {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("ar", 2): return SubsonicAuth.decodeHex(parts[1].utf8).map { .artist($0) }
        case ("al", 3):
            guard let artist = SubsonicAuth.decodeHex(parts[1].utf8), let album = SubsonicAuth.decodeHex(parts[2].utf8) else { return nil }
            return .album(artist: artist, album: album)
        default: return nil
        }
    }

    private static func hex(_ text: String) -> String {
        text.utf8.map { byte in
            let lowered = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
            let digits = String(lowered, radix: 16)
            return lowered < 16 ? "0" + digits : digits
        }.joined()
    }

    // MARK: Elements

    static func artistElement(_ group: ArtistGroup) -> SubsonicElement {
        var element = SubsonicElement()
        element.set("id", artistID(group.name))
        element.set("name", group.name.isEmpty ? unknownArtist : group.name)
        element.set("albumCount", group.albumCount)
        return element
    }

    /// AlbumID3 (getAlbum, getAlbumList2, search3).
    static func albumElement(_ group: AlbumGroup) -> SubsonicElement {
        var element = SubsonicElement()
        element.set("id", albumID(artist: group.artist, album: group.name))
        element.set("name", group.name.isEmpty ? unknownAlbum : group.name)
        element.set("artist", group.artist.isEmpty ? unknownArtist : group.artist)
        element.set("artistId", artistID(group.artist))
        element.set("songCount", group.trackCount)
        element.set("duration", Int(group.durationSeconds.rounded()))
        element.set("created", group.createdAt)
        element.set("year", group.year)
        element.set("genre", group.genre)
        return element
    }

    /// An album as a folder-style Child (getMusicDirectory of an artist, getAlbumList, search2).
    static func albumDirectoryElement(_ group: AlbumGroup) -> SubsonicElement {
        var element = SubsonicElement()
        element.set("id", albumID(artist: group.artist, album: group.name))
        element.set("parent", artistID(group.artist))
        element.set("isDir", true)
        element.set("title", group.name.isEmpty ? unknownAlbum : group.name)
        element.set("name", group.name.isEmpty ? unknownAlbum : group.name)
        element.set("album", group.name.isEmpty ? unknownAlbum : group.name)
        element.set("artist", group.artist.isEmpty ? unknownArtist : group.artist)
        element.set("year", group.year)
        element.set("genre", group.genre)
        element.set("created", group.createdAt)
        element.set("duration", Int(group.durationSeconds.rounded()))
        element.set("songCount", group.trackCount)
        element.set("albumId", albumID(artist: group.artist, album: group.name))
        element.set("artistId", artistID(group.artist))
        return element
    }

    /// Search: artists and albums whose names contain `text` (nil: all), for `SubsonicSearch`.
    func search(_ scope: TrackScope, text: String?, artists: (count: Int, offset: Int), albums: (count: Int, offset: Int))
        throws -> (artists: [ArtistGroup], albums: [AlbumGroup])
    {
        try services.database.read { transaction in
            (try transaction.trackGroups.artists(scope, matching: text, limit: artists.count, offset: artists.offset),
             try transaction.trackGroups.albums(scope, matching: text, limit: albums.count, offset: albums.offset))
        }
    }

    // MARK: Endpoints

    private func indexes(_ call: SubsonicCall, id3: Bool) throws -> SubsonicResult {
        let scope = TrackScope(viewer: call.caller)
        let artists = try services.database.read { try $0.trackGroups.artists(scope, matching: nil, limit: 100_000, offset: 0) }
        var byLetter: [String: [SubsonicElement]] = [:]
        for artist in artists {
            let element = Self.artistElement(artist)
            byLetter[Self.indexLetter(artist.name), default: []].append(id3 ? element : element.without("albumCount"))
        }
        var result = SubsonicElement()
        result.set("ignoredArticles", Self.ignoredArticles)
        if !id3 { result.set("lastModified", Int(services.clock.now().timeIntervalSince1970 * 1000)) }
        result.add("index", byLetter.keys.sorted().map { letter in
            var index = SubsonicElement()
            index.set("name", letter)
            index.add("artist", byLetter[letter] ?? [])
            return index
        })
        return .ok(id3 ? "artists" : "indexes", result)
    }

    /// The index a name files under: its first letter once a leading ignored article is dropped; "#" otherwise.
    static func indexLetter(_ name: String) -> String {
        var name = name
        for article in ignoredArticles.split(separator: " ") where name.lowercased().hasPrefix(article.lowercased() + " ") {
            name = String(name.dropFirst(article.count + 1))
            break
        }
        guard let first = name.first, first.isLetter else { return "#" }
        return String(first).uppercased()
    }

    private func artist(_ call: SubsonicCall) throws -> SubsonicResult {
        guard case .artist(let name) = Self.parse(try call.parameters.required("id")) else {
            throw SubsonicError.notFound("Artist")
        }
        let scope = TrackScope(viewer: call.caller)
        let albums = try services.database.read { try $0.trackGroups.albums(scope, artist: name) }
        guard let first = albums.first else { throw SubsonicError.notFound("Artist") }
        var element = Self.artistElement(ArtistGroup(
            name: first.artist, albumCount: albums.count, trackCount: albums.reduce(0) { $0 + $1.trackCount }))
        element.add("album", albums.map(Self.albumElement), keepsEmpty: true)
        return .ok("artist", element)
    }

    private func album(_ call: SubsonicCall) throws -> SubsonicResult {
        guard case .album(let artist, let name) = Self.parse(try call.parameters.required("id")) else {
            throw SubsonicError.notFound("Album")
        }
        let (group, songs) = try albumContents(call.caller, artist: artist, name: name)
        var element = Self.albumElement(group)
        element.add("song", songs, keepsEmpty: true)
        return .ok("album", element)
    }

    private func albumContents(_ caller: User, artist: String, name: String) throws -> (AlbumGroup, [SubsonicElement]) {
        let tracks = try services.database.read {
            try $0.trackGroups.tracks(TrackScope(viewer: caller), artist: artist, album: name)
        }
        guard let first = tracks.first else { throw SubsonicError.notFound("Album") }
        let group = AlbumGroup(
            artist: first.metadata.artist ?? "", name: first.metadata.album ?? "", trackCount: tracks.count,
            durationSeconds: tracks.reduce(0) { $0 + ($1.audio?.durationSeconds ?? 0) },
            createdAt: tracks.map(\.createdAt).min() ?? first.createdAt,
            year: tracks.compactMap(\.metadata.year).max(), genre: tracks.compactMap(\.metadata.genre).min())
        return (group, tracks.map(SubsonicItems.song))
    }

    /// Artist and album info "with what we have": tags carry no biography, similar artists or images, so an
    /// existing artist or album gets an empty info element (clients show nothing rather than an error).
    private func info(_ call: SubsonicCall, artist: Bool, name: String) throws -> SubsonicResult {
        let id = try call.parameters.required("id")
        let scope = TrackScope(viewer: call.caller)
        let exists: Bool
        switch Self.parse(id) {
        case .artist(let artistName) where artist:
            exists = try !services.database.read { try $0.trackGroups.albums(scope, artist: artistName) }.isEmpty
        case .album(let artistName, let album) where !artist:
            exists = try !services.database.read { try $0.trackGroups.tracks(scope, artist: artistName, album: album) }.isEmpty
        default:
            exists = false
        }
        guard exists else { throw SubsonicError.notFound(artist ? "Artist" : "Album") }
        return .ok(name, SubsonicElement())
    }

    private func directory(_ call: SubsonicCall) throws -> SubsonicResult {
        let id = try call.parameters.required("id")
        var element = SubsonicElement()
        element.set("id", id)
        switch Self.parse(id) {
        case .artist(let name):
            let albums = try services.database.read { try $0.trackGroups.albums(TrackScope(viewer: call.caller), artist: name) }
            guard let first = albums.first else { throw SubsonicError.notFound("Directory") }
            element.set("name", first.artist.isEmpty ? Self.unknownArtist : first.artist)
            element.add("child", albums.map(Self.albumDirectoryElement))
        case .album(let artist, let name):
            let (group, songs) = try albumContents(call.caller, artist: artist, name: name)
            element.set("parent", Self.artistID(group.artist))
            element.set("name", group.name.isEmpty ? Self.unknownAlbum : group.name)
            element.add("child", songs)
        case nil:
            throw SubsonicError.notFound("Directory")
        }
        return .ok("directory", element)
    }

    private func albumList(_ call: SubsonicCall, id3: Bool) throws -> SubsonicResult {
        let parameters = call.parameters
        let type = try parameters.required("type")
        let size = try parameters.int("size", default: 10, in: 0...Self.maxListSize)
        let offset = try parameters.int("offset", default: 0, in: 0...Int.max)
        let order: AlbumGroupOrder?
        switch type {
        case "random": order = .random
        case "newest": order = .newest
        case "alphabeticalByName": order = .name
        case "alphabeticalByArtist": order = .artist
        case "byYear":
            order = .years(from: try parameters.int("fromYear") ?? 0, to: try parameters.int("toYear") ?? 9999)
        case "byGenre": order = .genre(try parameters.required("genre"))
        // Need plays, ratings and favourites: the library work (issue 13) answers these.
        case "highest", "frequent", "recent", "starred": order = nil
        default: throw SubsonicError.invalid("type", "is not a known list type: \(type)")
        }
        let albums = try order.map { order in
            try services.database.read {
                try $0.trackGroups.albums(TrackScope(viewer: call.caller), order: order, limit: size, offset: offset)
            }
        } ?? []
        var list = SubsonicElement()
        list.add("album", albums.map(id3 ? Self.albumElement : Self.albumDirectoryElement))
        return .ok(id3 ? "albumList2" : "albumList", list)
    }

    private func genres(_ call: SubsonicCall) throws -> SubsonicResult {
        let genres = try services.database.read { try $0.trackGroups.genres(TrackScope(viewer: call.caller)) }
        var list = SubsonicElement()
        list.add("genre", genres.map { genre in
            var element = SubsonicElement()
            element.text = .string(genre.name)
            element.set("songCount", genre.trackCount)
            element.set("albumCount", genre.albumCount)
            return element
        })
        return .ok("genres", list)
    }

    private func songsByGenre(_ call: SubsonicCall) throws -> SubsonicResult {
        let genre = try call.parameters.required("genre")
        let count = try call.parameters.int("count", default: 10, in: 0...Self.maxListSize)
        let offset = try call.parameters.int("offset", default: 0, in: 0...Int.max)
        let tracks = try services.database.read {
            try $0.trackGroups.tracks(TrackScope(viewer: call.caller), genre: genre, limit: count, offset: offset)
        }
        var list = SubsonicElement()
        list.add("song", tracks.map(SubsonicItems.song))
        return .ok("songsByGenre", list)
    }
}
