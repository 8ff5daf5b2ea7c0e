import Foundation

/// A track as stored: metadata, what the stored MP3 holds, and who may see it. A plain value; the audio file lives
/// at `TrackFiles.audioPath(for:)`, derived from the id, so a row never points at a stale path.
public struct Track: Sendable, Equatable, Identifiable {
    public var id: UUID
    /// nil once the owner's account is deleted and `library.keep_tracks_of_deleted_users` kept the track.
    public var ownerID: UUID?
    /// Setting the tags refiles the track: `albumID` and `artistID` follow them.
    public var metadata: TrackMetadata {
        didSet { (albumID, artistID) = Self.filing(of: metadata) }
    }
    /// The album these tags file the track under (`LibraryKey`); nil without an album title. Stored, not computed
    /// on each read: deriving it is a SHA-256 of the names (~8 000 instructions with the artist's, per song of a
    /// 500-song Subsonic page), and a row read from the database already holds both (`album_id`, `artist_id`).
    public private(set) var albumID: UUID?
    /// The artist of that album (album artist, else artist); nil when the tags name neither.
    public private(set) var artistID: UUID?
    public var visibility: Visibility
    public var status: TrackStatus
    /// Why the background encode failed; nil unless `status == .failed`.
    public var error: String?
    /// Measured from the stored MP3; nil while there is none.
    public var audio: StoredAudio?
    /// Millisecond precision, like every stored time.
    public var createdAt: Date
    public var updatedAt: Date
    /// The stored file's format: `mp3` for uploads (encoded to MP3); an imported file keeps its own.
    public var format: AudioFormat
    /// An imported file, used where it is and never written to; nil: the file lives under the uploads directory.
    public var sourcePath: String?
    /// SHA-256 (hex) of the track's picture, embedded or beside an imported file; nil: it has none.
    public var coverHash: String?
    /// Read only: the album's cover as this track falls back to it (see `TrackColumn.selectList`). Never
    /// stored: a track's own picture is `coverHash` alone, so reading a row and writing it back changes nothing.
    public var albumCoverHash: String?

    public init(
        id: UUID, ownerID: UUID?, metadata: TrackMetadata = TrackMetadata(), visibility: Visibility,
        status: TrackStatus, error: String? = nil, audio: StoredAudio? = nil, createdAt: Date, updatedAt: Date,
        format: AudioFormat = .mp3, sourcePath: String? = nil, coverHash: String? = nil, albumCoverHash: String? = nil,
        filing: (albumID: UUID?, artistID: UUID?)? = nil
    ) {
        self.id = id
        self.ownerID = ownerID
        self.metadata = metadata
        // `filing`: the ids a stored row holds, which are these tags' (the repository writes them from the tags).
        (albumID, artistID) = filing ?? Self.filing(of: metadata)
        self.visibility = visibility
        self.status = status
        self.error = error
        self.audio = audio
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.format = format
        self.sourcePath = sourcePath
        self.coverHash = coverHash
        self.albumCoverHash = albumCoverHash
    }

    /// The album and artist `metadata` files a track under (`LibraryKey`).
    private static func filing(of metadata: TrackMetadata) -> (albumID: UUID?, artistID: UUID?) {
        (LibraryKey.albumID(of: metadata), LibraryKey.artistID(of: metadata))
    }

    /// The picture shown for the track: its own, else its album's.
    public var shownCoverHash: String? { coverHash ?? albumCoverHash }

    /// True when a stored MP3 exists and may be streamed.
    public var isReady: Bool { status == .ready && audio != nil }
}

/// A track's descriptive fields are exactly what its MP3's ID3v2 tag carries (the contract: "ID3v2 tags carry the
/// metadata"), so the two are one type: the row's values are written into the file as they are.
public typealias TrackMetadata = ID3Tag

extension TrackMetadata {
    /// These fields, with the gaps filled from a tag found in the uploaded file.
    public func filled(from tag: ID3Tag) -> TrackMetadata {
        TrackMetadata(
            title: title ?? tag.title, artist: artist ?? tag.artist, album: album ?? tag.album,
            genre: genre ?? tag.genre, year: year ?? tag.year, trackNumber: trackNumber ?? tag.trackNumber,
            albumArtist: albumArtist ?? tag.albumArtist, discNumber: discNumber ?? tag.discNumber)
    }
}

/// What the stored MP3 holds, plus `fileTag`: an opaque value renewed whenever the file's bytes change (upload,
/// replacement, tag rewrite). It is the strong ETag of the audio, independent of clocks and file sizes.
public struct StoredAudio: Sendable, Equatable {
    public var durationSeconds: Double
    public var sampleRate: Int
    public var channels: Int
    /// kbps; the average for VBR.
    public var bitrate: Int
    public var sizeBytes: Int64
    public var fileTag: String

    public init(durationSeconds: Double, sampleRate: Int, channels: Int, bitrate: Int, sizeBytes: Int64, fileTag: String) {
        self.durationSeconds = durationSeconds
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrate = bitrate
        self.sizeBytes = sizeBytes
        self.fileTag = fileTag
    }

    init(_ info: AudioInfo, sizeBytes: Int64? = nil) {
        self.init(
            durationSeconds: info.durationSeconds, sampleRate: info.sampleRate, channels: info.channels,
            bitrate: info.bitrate, sizeBytes: sizeBytes ?? info.sizeBytes, fileTag: Self.makeFileTag())
    }

    /// A fresh random file tag (128 bits, hex).
    static func makeFileTag() -> String {
        (0..<4).map { _ in String(UInt32.random(in: 0...UInt32.max), radix: 16) }.joined()
    }
}
