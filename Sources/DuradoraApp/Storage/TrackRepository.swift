import Foundation

/// Tracks, whatever the backend. Get one from `DatabaseTransaction.tracks`; valid inside that transaction only.
public protocol TrackRepository {
    /// Inserts a new row (the id is the caller's). Throws `StorageError.notFound` when the owner does not exist.
    func insert(_ track: Track) throws

    func find(id: UUID) throws -> Track?

    /// Replaces every column of the row `track.id`. Throws `StorageError.notFound` for an unknown id.
    func update(_ track: Track) throws

    /// Throws `StorageError.notFound` for an unknown id.
    func delete(id: UUID) throws

    /// One page of the tracks `query` selects, best match first when it searches text, else newest first.
    func list(_ query: TrackQuery) throws -> Page<Track>

    /// Deletes every track of `ownerID` and returns their ids (whose files the caller then removes).
    func deleteAll(ownedBy ownerID: UUID) throws -> [UUID]

    /// Every track, whoever owns it and whatever its state.
    func count() throws -> Int

    // MARK: Background encodes (several instances may share the database)

    /// Marks `id`, a `processing` track, as encoded by instance `owner` as of `date`; `uploadTag` names the upload
    /// kept in the bucket for another instance to finish from (nil: it is only on this instance's disk).
    func claimEncode(id: UUID, owner: String, uploadTag: String?, filename: String?, at date: Date) throws

    /// Renews the claims of every encode `owner` is running: it is alive.
    func renewEncodes(owner: String, at date: Date) throws

    /// Takes for `owner` one `processing` track whose claim was last renewed before `staleBefore` (its instance
    /// is gone) or that has none; nil when there is none. Two instances asking at once never get the same track.
    func claimStaleEncode(owner: String, staleBefore: Date, at date: Date) throws -> PendingEncode?

    /// Forgets the claim and the kept upload of `id`: its encode ended, one way or the other.
    func endEncode(id: UUID) throws
}

/// A background encode left behind by an instance that stopped, taken over by another.
public struct PendingEncode: Sendable, Equatable {
    public let trackID: UUID
    /// The upload's tag in the bucket; nil when the upload was on the stopped instance's disk (then the encode
    /// can only be marked failed).
    public let uploadTag: String?
    /// The client's file name, for a title when the upload's own tag has none.
    public let filename: String?
}

extension TrackRepository {
    /// Inserts (`isNew`) or updates `track`, and returns the row as a read returns it: with the read-only fields
    /// (`albumCoverHash`) of the album it is filed under now, not of the one it was read from.
    func save(_ track: Track, isNew: Bool) throws -> Track {
        if isNew { try insert(track) } else { try update(track) }
        return try find(id: track.id) ?? track
    }
}

/// What `GET /api/v1/tracks` asks for.
public struct TrackQuery: Sendable, Equatable {
    /// Full-text words; each matches as a prefix (`beat` finds "Beatles"), all must match.
    public var text: String?
    /// Exact filters, compared case-insensitively.
    public var artist: String?
    public var album: String?
    public var genre: String?
    public var ownerID: UUID?
    /// The owner's username (any letter case), when the filter names them that way.
    public var ownerName: String?
    /// Who asks: they see public tracks plus their own; nil is an anonymous caller. Admins see every track of an
    /// owner they filter on.
    public var viewerID: UUID?
    public var viewerIsAdmin: Bool
    public var limit: Int
    public var offset: Int
    /// Whether the page counts `total` (one more statement, over every matching track); false: `total` is
    /// `offset + items.count` (Subsonic pages never show a total, and at 100 000 tracks the count costs more
    /// than the page).
    public var countsTotal: Bool

    public init(
        text: String? = nil, artist: String? = nil, album: String? = nil, genre: String? = nil,
        ownerID: UUID? = nil, ownerName: String? = nil, viewerID: UUID? = nil, viewerIsAdmin: Bool = false,
        limit: Int = 50, offset: Int = 0, countsTotal: Bool = true
    ) {
        self.text = text
        self.artist = artist
        self.album = album
        self.genre = genre
        self.ownerID = ownerID
        self.ownerName = ownerName
        self.viewerID = viewerID
        self.viewerIsAdmin = viewerIsAdmin
        self.limit = limit
        self.offset = offset
        self.countsTotal = countsTotal
    }

    /// The FTS5 expression for `text`: every word as a quoted prefix term, all required; nil when there is no word.
    /// Quoting each word means user input can never be FTS5 syntax (`AND`, `NEAR`, `"`, `*`, `:`, …).
    public var matchExpression: String? {
        guard let text else { return nil }
        let words = text.split { !($0.isLetter || $0.isNumber) }
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }
}
