import Foundation

/// Artists, albums and genres, read from the tracks a viewer may see (public ones and their own): an album whose
/// visible tracks are none does not exist for them, and its counts, year, genre and cover come from what they see.
/// Every list is a fixed number of statements, whatever the size of the library.
/// A page's `total` is counted only when its query's `countsTotal` asks for it (else it is `offset + items.count`).
public protocol LibraryRepository {
    func albums(_ query: AlbumQuery) throws -> Page<Album>
    func album(id: UUID, viewerID: UUID?) throws -> Album?
    /// The album's visible tracks in disc, then track number order.
    func tracks(inAlbum id: UUID, viewerID: UUID?) throws -> [Track]

    func artists(_ query: ArtistQuery) throws -> Page<Artist>
    func artist(id: UUID, viewerID: UUID?) throws -> Artist?

    func genres(viewerID: UUID?) throws -> [Genre]

    /// Sets (or with nil removes) the uploaded cover of an album. Throws `StorageError.notFound` for an unknown id.
    func setCover(_ hash: String?, ofAlbum id: UUID) throws
    /// The owners of an album's tracks (who may change its cover).
    func owners(ofAlbum id: UUID) throws -> Set<UUID>
    /// Every cover picture a track or an album names (what a sweep of the cover store keeps).
    func coverHashes() throws -> Set<String>

    /// Imported tracks whose file is under the directory `root`, by path, with the size and mtime last read.
    func importedFiles(under root: String) throws -> [String: ImportedFile]
    /// Records the size and mtime of an imported track's file as just read.
    func stampImport(trackID: UUID, size: Int64, modifiedAt: Date) throws
}

/// An imported track's file as the last scan saw it: unchanged size and mtime mean a rescan skips it.
public struct ImportedFile: Sendable, Equatable {
    public var trackID: UUID
    public var size: Int64
    public var modifiedAt: Date

    public init(trackID: UUID, size: Int64, modifiedAt: Date) {
        self.trackID = trackID
        self.size = size
        self.modifiedAt = modifiedAt
    }
}

public enum AlbumSort: String, Sendable, CaseIterable {
    case name, artist, newest, year, random
    /// The viewer's: recently played, most played, starred (albums they have not are left out).
    case recent, frequent, starred

    public var needsViewer: Bool { [.recent, .frequent, .starred].contains(self) }
}

/// What `GET /api/v1/albums` asks for.
public struct AlbumQuery: Sendable, Equatable {
    /// Albums whose name or artist contains this text (case-insensitive).
    public var text: String?
    public var artistID: UUID?
    public var genre: String?
    public var yearFrom: Int?
    public var yearTo: Int?
    public var sort: AlbumSort
    public var viewerID: UUID?
    public var limit: Int
    public var offset: Int
    /// Whether the page counts `total` (one more statement); false: `total` is `offset + items.count`.
    public var countsTotal: Bool

    public init(text: String? = nil, artistID: UUID? = nil, genre: String? = nil, yearFrom: Int? = nil,
                yearTo: Int? = nil, sort: AlbumSort = .name, viewerID: UUID? = nil, limit: Int = 50, offset: Int = 0,
                countsTotal: Bool = true) {
        self.text = text
        self.artistID = artistID
        self.genre = genre
        self.yearFrom = yearFrom
        self.yearTo = yearTo
        self.sort = sort
        self.viewerID = viewerID
        self.limit = limit
        self.offset = offset
        self.countsTotal = countsTotal
    }
}

public enum ArtistSort: String, Sendable, CaseIterable {
    /// By name, leading articles ignored.
    case name
    /// Most recently added first.
    case recent
}

/// What `GET /api/v1/artists` asks for.
public struct ArtistQuery: Sendable, Equatable {
    public var text: String?
    public var sort: ArtistSort
    /// Words ignored at the start of a name when sorting ("The Beatles" sorts as "Beatles"), any letter case.
    public var ignoredArticles: [String]
    /// Only the artists the viewer starred, most recent first.
    public var starredOnly: Bool
    public var viewerID: UUID?
    public var limit: Int
    public var offset: Int
    /// As `AlbumQuery.countsTotal`.
    public var countsTotal: Bool

    public init(text: String? = nil, sort: ArtistSort = .name, ignoredArticles: [String] = [], starredOnly: Bool = false,
                viewerID: UUID? = nil, limit: Int = 50, offset: Int = 0, countsTotal: Bool = true) {
        self.text = text
        self.sort = sort
        self.ignoredArticles = ignoredArticles
        self.starredOnly = starredOnly
        self.viewerID = viewerID
        self.limit = limit
        self.offset = offset
        self.countsTotal = countsTotal
    }
}
