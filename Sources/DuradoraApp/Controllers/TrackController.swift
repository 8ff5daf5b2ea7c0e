import Foundation
import Synchronization

/// Tracks: the rules of the contract's "Tracks" section over the `Database` seam and the uploads directory.
/// Knows nothing about HTTP parsing (that is `Routes/TrackRoutes.swift`). Every method blocks (database, audio):
/// call it on the worker pool. Audio attachment lives in `TrackController+Audio.swift`.
public final class TrackController: Sendable {
    public struct Settings: Sendable {
        public var userUploads: Bool
        public var anonymousStreaming: Bool
        public var keepOriginals: Bool
        /// Expected encodes longer than this answer 202 and finish in the background; 0: always in the background.
        public var syncEncodeSeconds: Int
        /// How often an instance renews the claims of its background encodes and looks for ones whose instance
        /// stopped (claims three periods old); see `TrackController+Takeover.swift`.
        public var encodeClaimSeconds: Double

        public init(userUploads: Bool = true, anonymousStreaming: Bool = true, keepOriginals: Bool = false,
                    syncEncodeSeconds: Int = 15, encodeClaimSeconds: Double = 5) {
            self.userUploads = userUploads
            self.anonymousStreaming = anonymousStreaming
            self.keepOriginals = keepOriginals
            self.syncEncodeSeconds = syncEncodeSeconds
            self.encodeClaimSeconds = encodeClaimSeconds
        }
    }

    public let database: any Database
    /// Where the audio of uploads is stored (the uploads folder or an S3 bucket).
    let audio: TrackAudioStore
    /// This instance's working area (received bodies, staged encodes).
    public var files: TrackFiles { audio.files }
    public let slots: TranscodeSlots
    public let settings: Settings
    let transcoder: Transcoder
    let clock: TimeSource
    let log: AccessLog?
    /// Where pictures embedded in uploads go (as the folder import's do); nil: uploads get no cover.
    let covers: CoverStore?
    /// Background encodes; `stop()` cancels them and waits.
    let jobs = DispatchGroup()
    let locks = TrackLocks()
    let isStopping = Atomic(false)
    /// Names this process in the claims of its background encodes.
    let instanceID = UUID().lowercasedString
    /// Background encodes running now (their claims are renewed while there are any).
    let backgroundEncodes = Atomic(0)

    /// Tracks streamed lately, row and open file: see `TrackController+Streaming.swift`.
    let recentStreams = ReadCache<UUID, OpenTrack>(capacity: 64, maxAge: 10)

    init(
        database: any Database, audio: TrackAudioStore, transcoder: Transcoder, slots: TranscodeSlots,
        settings: Settings = Settings(), clock: TimeSource = .system, log: AccessLog? = nil, covers: CoverStore? = nil
    ) {
        self.database = database
        self.audio = audio
        self.transcoder = transcoder
        self.slots = slots
        self.settings = settings
        self.clock = clock
        self.log = log
        self.covers = covers
        recentStreams.invalidate(onWritesTo: database)
    }

    /// Start-up: removes temp files a crash left in the working area (and the store's own leftovers an hour old),
    /// takes over the background encodes a stopped process left (finishing those whose upload is in the bucket,
    /// failing the rest) and from then on keeps its own claims fresh (`TrackController+Takeover.swift`).
    public func recoverAfterStart() throws {
        let removed = StagedAudioFile.removeTemporaryFiles(under: files.root) + audio.sweepStale(now: clock.now())
        // One server per SQLite file: whatever is unfinished there was left by a process that is gone.
        let (resumed, failed) = try takeOverStaleEncodes(staleBefore: database.isShared ? nil : clock.now())
        if removed > 0 || failed > 0 || resumed > 0 {
            log?.log(.info, "upload recovery", [("temporary_files_removed", "\(removed)"), ("encodes_failed", "\(failed)"),
                                                ("encodes_resumed", "\(resumed)")])
        }
        startClaimTimer()
    }

    /// Cancels background encodes and waits for them (bounded) so the database can close under nobody's feet.
    public func stop(timeoutSeconds: Double = 10) {
        isStopping.store(true, ordering: .relaxed)
        _ = jobs.wait(timeout: .now() + timeoutSeconds)
    }

    // MARK: Reading

    /// The track as `caller` (nil: anonymous) may see it; 404 when it does not exist or is not theirs to see.
    public func show(id: UUID, caller: User?) throws -> Track {
        guard let track = try database.read({ try $0.tracks.find(id: id) }), Self.canSee(track, caller) else {
            throw APIError.notFound("Track")
        }
        return track
    }

    public func list(_ query: TrackQuery) throws -> Page<Track> {
        try database.read { try $0.tracks.list(query) }
    }

    // MARK: Writing

    /// A new track; with `upload` its audio is attached (see `attachAudio`), without it the track is `empty`.
    /// Returns the track and whether it is still processing (202).
    public func create(
        owner: User, metadata: TrackMetadata, visibility: Visibility?, upload: UploadedAudio?
    ) throws -> (track: Track, isProcessing: Bool) {
        guard owner.isAdmin || settings.userUploads else {
            upload?.discard()
            throw APIError.forbidden("Uploads by users are turned off on this server.")
        }
        let now = clock.now().sqliteRounded
        let track = Track(
            id: UUID(), ownerID: owner.id, metadata: metadata,
            visibility: visibility ?? (owner.isAdmin ? .public : .link), status: .empty, createdAt: now, updatedAt: now)
        guard let upload else {
            return (try database.write { try $0.tracks.save(track, isNew: true) }, false)
        }
        return try attachAudio(upload, to: track, isNew: true)
    }

    /// `PUT /api/v1/tracks/{id}/audio`: attaches or replaces the audio of a track the caller owns (or any, for admins).
    public func replaceAudio(id: UUID, caller: User, upload: UploadedAudio) throws -> (track: Track, isProcessing: Bool) {
        let track: Track
        do {
            track = try editable(id: id, caller: caller)
            guard track.status != .processing else {
                throw APIError.conflict("track_processing", "The track's audio is still being encoded; try again later.")
            }
        } catch {
            upload.discard()
            throw error
        }
        return try attachAudio(upload, to: track, isNew: false)
    }

    /// `PATCH /api/v1/tracks/{id}`: metadata and visibility. A changed tag is rewritten into the stored MP3 (never
    /// re-encoded); the file's tag, and so its ETag, changes with it.
    public func update(id: UUID, caller: User, changes: TrackChanges) throws -> Track {
        try locks.withLock(id) { try update(try editable(id: id, caller: caller), changes: changes) }
    }

    private func update(_ track: Track, changes: TrackChanges) throws -> Track {
        var track = track
        let id = track.id
        let metadata = changes.applied(to: track.metadata)
        if let visibility = changes.visibility { track.visibility = visibility }
        // An imported file is never written to: its tags change in the database only.
        let previous = track.audio
        var isNewVersion = false
        if metadata != track.metadata, track.isReady, track.sourcePath == nil, let current = track.audio {
            track.audio = try retagged(track, current, metadata)
            isNewVersion = true
        }
        track.metadata = metadata
        track.updatedAt = clock.now().sqliteRounded
        do {
            let saved = try database.write { transaction in
                do {
                    return try transaction.tracks.save(track, isNew: false)
                } catch StorageError.notFound {
                    throw APIError.notFound("Track")
                }
            }
            if isNewVersion { audio.retire(previous?.fileTag, of: id) }
            return saved
        } catch {
            if isNewVersion, let version = track.audio { audio.discard(version.fileTag, of: id) }
            throw error
        }
    }

    /// A new version of the stored MP3 with `metadata` in its tag (the audio frames copied, never re-encoded).
    private func retagged(_ track: Track, _ current: StoredAudio, _ metadata: TrackMetadata) throws -> StoredAudio {
        let source = try audio.open(track)
        let staged = try files.makeStagingPath(for: track.id)
        defer { StagedAudioFile.remove(staged) }
        let output = try BinaryFile.create(staged)
        // The path names the source's open descriptor: the source must outlive the open of its path.
        try withExtendedLifetime(source) {
            try output.copyRemainder(of: try BinaryFile.openForReading(try audio.localPath(of: source)))
        }
        output.close()
        try ID3Tag.rewrite(metadata, inFileAt: staged)
        var version = current
        version.sizeBytes = try TrackFiles.size(of: staged)
        version.fileTag = StoredAudio.makeFileTag()
        try audio.store(staged, as: version, of: track.id)
        return version
    }

    /// Deletes the row, then the stored audio (under the track's lock, so no tag rewrite is half-way through it).
    /// A background encode still running notices the missing row and removes what it wrote.
    public func delete(id: UUID, caller: User) throws {
        try locks.withLock(id) {
            let track = try editable(id: id, caller: caller)
            try database.write { transaction in
                do {
                    try transaction.tracks.delete(id: id)
                } catch StorageError.notFound {
                    throw APIError.notFound("Track")
                }
            }
            // An imported file is the user's own, where it was found: never removed.
            if track.sourcePath == nil { audio.removeAll(of: id) }
        }
    }

    // MARK: Rules

    /// Public and link tracks: anyone (link tracks are not listed, but the id is the key); private: owner and admins.
    public static func canSee(_ track: Track, _ caller: User?) -> Bool {
        switch track.visibility {
        case .public, .link: true
        case .private: caller.map { $0.isAdmin || $0.id == track.ownerID } ?? false
        }
    }

    /// The track, when `caller` may change it: 404 when they may not even see it, 403 when they only may see it.
    func editable(id: UUID, caller: User) throws -> Track {
        let track = try show(id: id, caller: caller)
        guard caller.isAdmin || caller.id == track.ownerID else {
            throw APIError.forbidden("Only the track's owner or an admin may change it.")
        }
        return track
    }
}

/// What a PATCH changes: for each field, nil leaves it alone and `.some(nil)` clears it.
public struct TrackChanges: Sendable, Equatable {
    /// The longest title, artist, album or genre accepted (characters).
    public static let maxTextLength = 1024

    public var title: String??
    public var artist: String??
    public var album: String??
    public var genre: String??
    public var year: Int??
    public var trackNumber: Int??
    public var albumArtist: String??
    public var discNumber: Int??
    public var visibility: Visibility?

    public init() {}

    func applied(to metadata: TrackMetadata) -> TrackMetadata {
        var result = metadata
        if let title { result.title = title }
        if let artist { result.artist = artist }
        if let album { result.album = album }
        if let genre { result.genre = genre }
        if let year { result.year = year }
        if let trackNumber { result.trackNumber = trackNumber }
        if let albumArtist { result.albumArtist = albumArtist }
        if let discNumber { result.discNumber = discNumber }
        return result
    }
}
