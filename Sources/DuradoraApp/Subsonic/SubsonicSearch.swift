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
        let scope = TrackScope(viewer: call.caller)
        let (artistPage, albumPage, songPage) = (try page("artist"), try page("album"), try page("song"))
        let (artists, albums) = try SubsonicBrowsing(services: services)
            .search(scope, text: text, artists: artistPage, albums: albumPage)
        let songs = try services.database.read {
            try $0.trackGroups.tracks(scope, matching: text, limit: songPage.count, offset: songPage.offset)
        }
        var result = SubsonicElement()
        result.add("artist", artists.map { group in
            let element = SubsonicBrowsing.artistElement(group)
            return id3 ? element : element.without("albumCount")
        })
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
        let tracks = try services.database.read {
            try $0.trackGroups.randomTracks(TrackScope(viewer: call.caller), genre: genre, years: years, limit: size)
        }
        var list = SubsonicElement()
        list.add("song", tracks.map(SubsonicItems.song))
        return .ok("randomSongs", list)
    }
}
