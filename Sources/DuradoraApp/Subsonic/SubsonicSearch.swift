import Foundation

/// search2, search3 and getRandomSongs. An empty query, or the literal `""`, matches everything, paged: that is
/// how Symfonium and other offline clients sync the whole library (`search3?query=""&songCount=500&songOffset=…`).
struct SubsonicSearch: Sendable {
    static let maxCount = 500

    let services: SubsonicServices

    var endpoints: [String: SubsonicEndpoint] {
        [
            "search2": SubsonicEndpoint { call in try search(call, id3: false) },
            "search3": SubsonicEndpoint { call in try search(call, id3: true) },
            "getRandomSongs": SubsonicEndpoint { call in try randomSongs(call) },
        ]
    }

    /// The words to look for, nil for "everything": one surrounding pair of double quotes is dropped, as
    /// Navidrome does, so `""` is the empty query.
    static func searchText(_ query: String?) -> String? {
        guard var text = query?.trimmingCharacters(in: .whitespaces) else { return nil }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        text = text.trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    private func search(_ call: SubsonicCall, id3: Bool) throws -> SubsonicResult {
        let parameters = call.parameters
        func page(_ name: String) throws(SubsonicError) -> (count: Int, offset: Int) {
            (try parameters.int("\(name)Count", default: 20, in: 0...Self.maxCount),
             try parameters.int("\(name)Offset", default: 0, in: 0...Int.max))
        }
        let text = Self.searchText(parameters.string("query"))
        let caller = call.caller
        let library = services.library
        let (artistPage, albumPage, songPage) = (try page("artist"), try page("album"), try page("song"))
        // A count of 0 asks for none of that kind (Symfonium syncs songs with artistCount=0&albumCount=0): no query.
        // No page counts its total: Subsonic never shows one.
        let artists = artistPage.count == 0 ? [] : try library.artists(
            ArtistQuery(text: text, limit: artistPage.count, offset: artistPage.offset, countsTotal: false),
            caller: caller).items
        let albums = albumPage.count == 0 ? [] : try library.albums(
            AlbumQuery(text: text, limit: albumPage.count, offset: albumPage.offset, countsTotal: false),
            caller: caller).items
        let songs = songPage.count == 0 ? [] : try library.views(of: try services.tracks.list(TrackQuery(
            text: text, viewerID: caller.id, viewerIsAdmin: caller.isAdmin,
            limit: songPage.count, offset: songPage.offset, countsTotal: false)).items, caller: caller)
        var result = SubsonicElement()
        result.add("artist", artists.map { SubsonicBrowsing.artistElement($0, id3: id3) })
        result.add("album", albums.map(id3 ? SubsonicBrowsing.albumElement : SubsonicBrowsing.albumDirectoryElement))
        result.add("song", songs.map(SubsonicItems.song))
        return .ok(id3 ? "searchResult3" : "searchResult2", result)
    }

    private func randomSongs(_ call: SubsonicCall) throws -> SubsonicResult {
        let parameters = call.parameters
        let size = try parameters.int("size", default: 10, in: 0...Self.maxCount)
        let from = try parameters.int("fromYear")
        let to = try parameters.int("toYear")
        let years = (from != nil || to != nil) ? min(from ?? 0, to ?? 9999)...max(from ?? 0, to ?? 9999) : nil
        let genre = parameters.string("genre").flatMap { $0.isEmpty ? nil : $0 }
        let caller = call.caller
        let tracks = try services.database.read {
            try $0.randomTracks.random(viewerID: caller.id, genre: genre, years: years, limit: size)
        }
        var list = SubsonicElement()
        list.add("song", try services.library.views(of: tracks, caller: caller).map(SubsonicItems.song))
        return .ok("randomSongs", list)
    }
}
