import Foundation

/// Annotation and library state: star, unstar, setRating, scrobble, getStarred, getStarred2, getNowPlaying,
/// getScanStatus, startScan. All through `LibraryController` and `LibraryScanner`, so a star set here is the one
/// `GET /api/v1/me/favorites` shows, a scrobble the play `GET /api/v1/me/history` lists, and the reverse.
struct SubsonicLibrary: Sendable {
    /// Subsonic has one player per entry; we do not track players (the schema requires an integer).
    private static let playerID = 0

    let services: SubsonicServices

    var endpoints: [String: SubsonicEndpoint] {
        [
            "star": SubsonicEndpoint { call in try star(call, on: true) },
            "unstar": SubsonicEndpoint { call in try star(call, on: false) },
            "setRating": SubsonicEndpoint { call in try rate(call) },
            "scrobble": SubsonicEndpoint { call in try scrobble(call) },
            "getStarred": SubsonicEndpoint { call in try starred(call, id3: false) },
            "getStarred2": SubsonicEndpoint { call in try starred(call, id3: true) },
            "getNowPlaying": SubsonicEndpoint { call in try nowPlaying(call) },
            "getScanStatus": SubsonicEndpoint { _ in .ok("scanStatus", scanStatus(services.scanner.latestScan())) },
            "startScan": SubsonicEndpoint { call in try startScan(call) },
        ]
    }

    private var library: LibraryController { services.library }

    // MARK: Annotation

    /// `id` (songs, or folders: DSub stars an album or artist directory by its id), `albumId`, `artistId`; each
    /// repeatable. Everything is checked before anything is starred, so one unknown id changes nothing.
    private func star(_ call: SubsonicCall, on: Bool) throws -> SubsonicResult {
        let parameters = call.parameters
        var items: [(LibraryItemKind, UUID)] = []
        for text in parameters.strings("id") {
            let id = try SubsonicBrowsing.uuid(text, "Item")
            items.append((on ? try kind(of: id, caller: call.caller) : .tracks, id))
            // Unstarring needs no lookup: a folder id unstars whichever of the three it names.
            if !on { items += [(.albums, id), (.artists, id)] }
        }
        for (name, kind) in [("albumId", LibraryItemKind.albums), ("artistId", .artists)] {
            for text in parameters.strings(name) { items.append((kind, try SubsonicBrowsing.uuid(text, "Item"))) }
        }
        guard !items.isEmpty else { throw SubsonicError.missing("id") }
        for (kind, id) in items {
            if on { try library.star(kind, id: id, caller: call.caller) } else { try library.unstar(kind, id: id, caller: call.caller) }
        }
        return .ok()
    }

    /// What a bare `id` names for this caller: a song, else an album, else an artist; 70 when none they may see.
    private func kind(of id: UUID, caller: User) throws -> LibraryItemKind {
        if try SubsonicBrowsing.found({ try services.tracks.show(id: id, caller: caller) }) != nil { return .tracks }
        if try SubsonicBrowsing.found({ try library.album(id: id, caller: caller) }) != nil { return .albums }
        if try SubsonicBrowsing.found({ try library.artist(id: id, caller: caller) }) != nil { return .artists }
        throw SubsonicError.notFound("Item")
    }

    /// Songs only: the library rates tracks (0 clears).
    private func rate(_ call: SubsonicCall) throws -> SubsonicResult {
        let id = try SubsonicMedia.trackID(call)
        guard let rating = try call.parameters.int("rating") else { throw SubsonicError.missing("rating") }
        guard (0...5).contains(rating) else { throw SubsonicError.invalid("rating", "must be 0 (clear) to 5") }
        _ = try library.rate(trackID: id, rating: rating, caller: call.caller)
        return .ok()
    }

    /// `submission=false`: now playing; true (the default): a finished play, at `time` (ms since 1970) when given.
    /// Repeated `id` (with as many `time`s) submits a queue of plays, as offline clients do.
    private func scrobble(_ call: SubsonicCall) throws -> SubsonicResult {
        let parameters = call.parameters
        let texts = parameters.strings("id")
        guard !texts.isEmpty else { throw SubsonicError.missing("id") }
        let ids = try texts.map { text throws(SubsonicError) in try SubsonicBrowsing.uuid(text, "Song") }
        let times = try parameters.strings("time").map { text throws(SubsonicError) -> Date in
            guard let milliseconds = Double(text), milliseconds.isFinite, milliseconds >= 0 else {
                throw .invalid("time", "must be milliseconds since 1970")
            }
            return Date(timeIntervalSince1970: milliseconds / 1000)
        }
        let submission = try parameters.bool("submission") ?? true
        for (index, id) in ids.enumerated() {
            try library.recordPlay(trackID: id, caller: call.caller, submission: submission,
                                   playedAt: index < times.count ? times[index] : nil)
        }
        return .ok()
    }

    // MARK: Lists

    private func starred(_ call: SubsonicCall, id3: Bool) throws -> SubsonicResult {
        let favorites = try library.favorites(caller: call.caller)
        var element = SubsonicElement()
        element.add("artist", favorites.artists.map { SubsonicBrowsing.artistElement($0, id3: id3) })
        element.add("album", favorites.albums.map(id3 ? SubsonicBrowsing.albumElement : SubsonicBrowsing.albumDirectoryElement))
        element.add("song", favorites.tracks.map(SubsonicItems.song))
        return .ok(id3 ? "starred2" : "starred", element)
    }

    private func nowPlaying(_ call: SubsonicCall) throws -> SubsonicResult {
        let now = services.clock.now()
        var list = SubsonicElement()
        list.add("entry", library.nowPlaying(caller: call.caller).map { entry in
            var element = SubsonicItems.song(entry.track)
            element.set("username", entry.user.username)
            element.set("minutesAgo", max(0, Int(now.timeIntervalSince(entry.startedAt) / 60)))
            element.set("playerId", Self.playerID)
            return element
        })
        return .ok("nowPlaying", list)
    }

    // MARK: Scans

    /// Admins only (50): imports `library.music_folders` as `POST /api/v1/library/scans` does. While a scan runs,
    /// the answer is that scan's status (clients poll getScanStatus next either way).
    private func startScan(_ call: SubsonicCall) throws -> SubsonicResult {
        let caller = call.caller
        guard caller.isAdmin else { throw SubsonicError.notAuthorized("Only admins may start a scan") }
        guard !services.musicFolders.isEmpty else {
            throw SubsonicError(code: .generic, message: "No library.music_folders are configured")
        }
        do {
            let scan = try services.scanner.start(folders: services.musicFolders,
                                                  options: LibraryScanner.Options(owner: caller))
            return .ok("scanStatus", scanStatus(scan))
        } catch let error as APIError where error.status.code == 409 {
            return .ok("scanStatus", scanStatus(services.scanner.latestScan()))
        }
    }

    private func scanStatus(_ scan: LibraryScan?) -> SubsonicElement {
        var element = SubsonicElement()
        element.set("scanning", scan?.state == .running)
        element.set("count", scan?.filesSeen ?? 0)
        return element
    }
}
