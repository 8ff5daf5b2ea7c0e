import Foundation

/// Browsing by folder and by ID3 tags (getIndexes, getMusicDirectory, getArtists, getArtist, getAlbum,
/// getAlbumList, getAlbumList2, getGenres, getSongsByGenre), on the library's albums
/// and artists (`LibraryController`): the same rows, ids, visibility and counts as `/api/v1/albums`.
///
/// Ids are the library's UUIDs. The folder view is artist → albums → songs, so a folder id is an artist's or an
/// album's id (they never collide: both are SHA-256 of different keys, `LibraryKey`).
struct SubsonicBrowsing: Sendable {
    static let unknownAlbum = "[Unknown Album]"
    /// Albums per list page at most (getAlbumList `size`).
    static let maxListSize = 500
    /// Every artist of an index (getIndexes/getArtists answer the whole library in one document).
    private static let allArtists = 1_000_000

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
        ]
    }

    private var library: LibraryController { services.library }

    // MARK: Elements

    /// ArtistID3 (id3) or the folder-style Artist.
    static func artistElement(_ artist: Artist, id3: Bool) -> SubsonicElement {
        var element = SubsonicElement()
        element.set("id", artist.id)
        element.set("name", artist.name)
        if id3 { element.set("albumCount", artist.albumCount) }
        element.set("coverArt", artist.coverHash.map { _ in artist.id })
        element.set("starred", artist.starredAt)
        return element
    }

    /// AlbumID3 (getAlbum, getAlbumList2, search3, getStarred2).
    static func albumElement(_ album: Album) -> SubsonicElement {
        var element = SubsonicElement()
        element.reserveAttributes(12)
        element.set("id", album.id)
        element.set("name", album.name.isEmpty ? unknownAlbum : album.name)
        element.set("artist", album.artistName)
        element.set("artistId", album.artistID)
        element.set("songCount", album.trackCount)
        element.set("duration", Int(album.durationSeconds.rounded()))
        element.set("created", album.createdAt)
        element.set("year", album.year)
        element.set("genre", album.genre)
        element.set("coverArt", album.coverHash.map { _ in album.id })
        element.set("starred", album.starredAt)
        element.set("playCount", album.playCount)
        return element
    }

    /// An album as a folder-style Child (getMusicDirectory of an artist, getAlbumList, search2, getStarred).
    static func albumDirectoryElement(_ album: Album) -> SubsonicElement {
        let name = album.name.isEmpty ? unknownAlbum : album.name
        var element = SubsonicElement()
        element.reserveAttributes(17)
        element.set("id", album.id)
        element.set("parent", album.artistID)
        element.set("isDir", true)
        element.set("title", name)
        element.set("name", name)
        element.set("album", name)
        element.set("artist", album.artistName)
        element.set("year", album.year)
        element.set("genre", album.genre)
        element.set("created", album.createdAt)
        element.set("duration", Int(album.durationSeconds.rounded()))
        element.set("songCount", album.trackCount)
        element.set("albumId", album.id)
        element.set("artistId", album.artistID)
        element.set("coverArt", album.coverHash.map { _ in album.id })
        element.set("starred", album.starredAt)
        element.set("playCount", album.playCount)
        return element
    }

    /// A folder or item id as a UUID; a malformed one names nothing (70).
    static func uuid(_ text: String, _ what: String) throws(SubsonicError) -> UUID {
        guard let id = UUID.parse(text) else { throw .notFound(what) }
        return id
    }

    // MARK: Endpoints

    private func indexes(_ call: SubsonicCall, id3: Bool) throws -> SubsonicResult {
        let artists = try library.artists(ArtistQuery(sort: .name, limit: Self.allArtists, countsTotal: false), caller: call.caller).items
        let articles = library.settings.ignoredArticles
        // The library sorts by name with articles ignored, so each letter's artists arrive in order.
        var letters: [String] = []
        var byLetter: [String: [SubsonicElement]] = [:]
        for artist in artists {
            let letter = Self.indexLetter(artist.name, ignoring: articles)
            if byLetter[letter] == nil { letters.append(letter) }
            byLetter[letter, default: []].append(Self.artistElement(artist, id3: id3))
        }
        var result = SubsonicElement()
        result.set("ignoredArticles", articles.joined(separator: " "))
        if !id3 { result.set("lastModified", Int(services.clock.now().timeIntervalSince1970 * 1000)) }
        result.add("index", letters.sorted().map { letter in
            var index = SubsonicElement()
            index.set("name", letter)
            index.add("artist", byLetter[letter] ?? [])
            return index
        })
        return .ok(id3 ? "artists" : "indexes", result)
    }

    /// The index a name files under: its first letter once a leading ignored article is dropped; "#" otherwise.
    static func indexLetter(_ name: String, ignoring articles: [String]) -> String {
        var name = name
        for article in articles where name.lowercased().hasPrefix(article.lowercased() + " ") {
            name = String(name.dropFirst(article.count + 1))
            break
        }
        guard let first = name.first, first.isLetter else { return "#" }
        return String(first).uppercased()
    }

    private func artist(_ call: SubsonicCall) throws -> SubsonicResult {
        let id = try Self.uuid(try call.parameters.required("id"), "Artist")
        let (artist, albums) = try library.artist(id: id, caller: call.caller)
        var element = Self.artistElement(artist, id3: true)
        element.add("album", albums.map(Self.albumElement), keepsEmpty: true)
        return .ok("artist", element)
    }

    private func album(_ call: SubsonicCall) throws -> SubsonicResult {
        let id = try Self.uuid(try call.parameters.required("id"), "Album")
        let (album, tracks) = try library.album(id: id, caller: call.caller)
        var element = Self.albumElement(album)
        element.add("song", tracks.map(SubsonicItems.song), keepsEmpty: true)
        return .ok("album", element)
    }

    /// An artist's folder holds their albums, an album's its songs (DSub and other folder-browsing clients).
    private func directory(_ call: SubsonicCall) throws -> SubsonicResult {
        let text = try call.parameters.required("id")
        let id = try Self.uuid(text, "Directory")
        var element = SubsonicElement()
        element.set("id", text)
        if let artist = try Self.found({ try library.artist(id: id, caller: call.caller) }) {
            element.set("name", artist.artist.name)
            element.set("starred", artist.artist.starredAt)
            element.add("child", artist.albums.map(Self.albumDirectoryElement))
        } else if let album = try Self.found({ try library.album(id: id, caller: call.caller) }) {
            element.set("parent", album.album.artistID)
            element.set("name", album.album.name.isEmpty ? Self.unknownAlbum : album.album.name)
            element.set("starred", album.album.starredAt)
            element.set("playCount", album.album.playCount)
            element.add("child", album.tracks.map(SubsonicItems.song))
        } else {
            throw SubsonicError.notFound("Directory")
        }
        return .ok("directory", element)
    }

    /// `body`'s result, nil when it answered "not found".
    static func found<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch let error as APIError where error.status.code == 404 {
            return nil
        }
    }

    private func albumList(_ call: SubsonicCall, id3: Bool) throws -> SubsonicResult {
        let parameters = call.parameters
        let type = try parameters.required("type")
        var query = AlbumQuery(limit: try parameters.int("size", default: 10, in: 0...Self.maxListSize),
                               offset: try parameters.int("offset", default: 0, in: 0...Int.max), countsTotal: false)
        var descending = false
        switch type {
        case "random": query.sort = .random
        case "newest": query.sort = .newest
        case "alphabeticalByName": query.sort = .name
        case "alphabeticalByArtist": query.sort = .artist
        case "frequent": query.sort = .frequent
        case "recent": query.sort = .recent
        case "starred": query.sort = .starred
        // Ratings are per track, albums have none: the caller's starred albums are the ones they rated up.
        case "highest": query.sort = .starred
        case "byYear":
            let from = try parameters.int("fromYear") ?? 0
            let to = try parameters.int("toYear") ?? 9999
            (query.yearFrom, query.yearTo, query.sort) = (min(from, to), max(from, to), .year)
            descending = from > to  // DSub asks newest first this way
        case "byGenre":
            (query.genre, query.sort) = (try parameters.required("genre"), .name)
        default: throw SubsonicError.invalid("type", "is not a known list type: \(type)")
        }
        let albums = descending ? try reversedPage(query, caller: call.caller) : try library.albums(query, caller: call.caller).items
        var list = SubsonicElement()
        list.add("album", albums.map(id3 ? Self.albumElement : Self.albumDirectoryElement))
        return .ok(id3 ? "albumList2" : "albumList", list)
    }

    /// A page of `query` counted from the end: the library sorts years oldest first only.
    private func reversedPage(_ query: AlbumQuery, caller: User) throws -> [Album] {
        var counting = query
        counting.limit = 0
        counting.countsTotal = true
        let total = try library.albums(counting, caller: caller).total
        var page = query
        page.offset = max(0, total - query.offset - query.limit)
        page.limit = max(0, min(query.limit, total - query.offset))
        return try library.albums(page, caller: caller).items.reversed()
    }

    private func genres(_ call: SubsonicCall) throws -> SubsonicResult {
        var list = SubsonicElement()
        list.add("genre", try library.genres(caller: call.caller).map { genre in
            var element = SubsonicElement()
            element.text = .string(genre.name)
            element.set("songCount", genre.trackCount)
            element.set("albumCount", genre.albumCount)
            return element
        })
        return .ok("genres", list)
    }

    private func songsByGenre(_ call: SubsonicCall) throws -> SubsonicResult {
        let caller = call.caller
        let query = TrackQuery(
            genre: try call.parameters.required("genre"), viewerID: caller.id, viewerIsAdmin: caller.isAdmin,
            limit: try call.parameters.int("count", default: 10, in: 0...Self.maxListSize),
            offset: try call.parameters.int("offset", default: 0, in: 0...Int.max), countsTotal: false)
        let tracks = try library.views(of: try services.tracks.list(query).items, caller: caller)
        var list = SubsonicElement()
        list.add("song", tracks.map(SubsonicItems.song))
        return .ok("songsByGenre", list)
    }
}
