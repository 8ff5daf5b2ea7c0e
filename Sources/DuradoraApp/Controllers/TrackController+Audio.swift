import Foundation
import Synchronization

/// A request body received into a temporary file under `uploads/incoming/`. Whoever holds it last removes it
/// (`discard()`), unless it is kept as the original.
public struct UploadedAudio: Sendable {
    public let path: String
    /// The client's file name (multipart `filename`), untrusted: only used to derive a title.
    public let filename: String?

    public init(path: String, filename: String?) {
        self.path = path
        self.filename = filename
    }

    public func discard() {
        StagedAudioFile.remove(path)
    }

    /// "Artist - Song.flac" → "Artist - Song"; nil for no name, a bare extension or a name that is all path.
    var titleFromFilename: String? {
        guard let filename else { return nil }
        let base = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let stem = base.contains(".") ? String(base[..<base.lastIndex(of: ".")!]) : base
        let trimmed = stem.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : String(trimmed.prefix(TrackChanges.maxTextLength))
    }
}

extension TrackChanges {
    /// The longest title, artist, album or genre accepted (characters).
    public static let maxTextLength = 1024
}

extension TrackController {
    /// Process-wide: measuring LAME takes a moment, and the machine does not change between uploads.
    private static let encoderSpeed = EncoderSpeedCache()

    /// The upload path (see `Transcoder`): plan (415 for what libsndfile cannot open), take a transcode slot (503
    /// when all are busy), then encode now (201) or in the background (202, the row says `processing`).
    /// The final file is renamed into place before the row commits; on failure neither is left behind.
    func attachAudio(_ upload: UploadedAudio, to track: Track, isNew: Bool) throws -> (track: Track, isProcessing: Bool) {
        var isHandedOver = false
        defer { if !isHandedOver { upload.discard() } }
        let plan = try Self.inputErrorsAs415 { try transcoder.plan(source: upload.path) }
        guard slots.tryAcquire() else {
            throw APIError.unavailable("Every transcode slot is busy; try again shortly.", retryAfter: 5)
        }
        var isSlotHandedOver = false
        defer { if !isSlotHandedOver { slots.release() } }
        let speed = Self.encoderSpeed.value { (try? transcoder.measureEncoderSpeed(seconds: 1)) ?? 20 }

        guard plan.shouldRunInBackground(encoderSpeed: speed, syncLimitSeconds: settings.syncEncodeSeconds) else {
            var track = track
            let (audio, metadata) = try encode(upload, for: track.id, metadata: track.metadata)
            track.audio = audio
            track.metadata = metadata
            track.status = .ready
            track.error = nil
            track.updatedAt = clock.now().sqliteRounded
            do {
                try database.write { transaction in
                    if isNew { try transaction.tracks.insert(track) } else { try transaction.tracks.update(track) }
                }
            } catch {
                // A new track's file must not outlive its failed row; nor a file whose track was deleted meanwhile.
                let isGone = (error as? StorageError) == .notFound
                if isNew || isGone { files.removeFiles(of: track.id) }
                throw isGone ? APIError.notFound("Track") : error
            }
            isHandedOver = keepOriginal(upload, of: track.id)
            return (track, false)
        }

        var processing = track
        processing.status = .processing
        processing.error = nil
        processing.updatedAt = clock.now().sqliteRounded
        try database.write { transaction in
            if isNew { try transaction.tracks.insert(processing) } else { try transaction.tracks.update(processing) }
        }
        isHandedOver = true
        isSlotHandedOver = true
        let queued = processing
        jobs.enter()
        DispatchQueue.global(qos: .utility).async { [self] in
            defer { jobs.leave() }
            defer { slots.release() }
            finishInBackground(upload, track: queued)
        }
        return (processing, true)
    }

    /// The background half: encode, then mark the track `ready` with the metadata current at that moment, or
    /// `failed` with the reason. A track deleted meanwhile takes its new file with it.
    private func finishInBackground(_ upload: UploadedAudio, track: Track) {
        var isKept = false
        defer { if !isKept { upload.discard() } }
        do {
            let (audio, metadata) = try encode(upload, for: track.id, metadata: track.metadata) { tagged in
                // A PATCH may have changed the row while encoding: its metadata wins over the upload's.
                guard let current = try database.read({ try $0.tracks.find(id: track.id) }) else { return tagged }
                return current.metadata == track.metadata ? tagged : current.metadata
            }
            try database.write { transaction in
                guard var current = try transaction.tracks.find(id: track.id) else { throw StorageError.notFound }
                current.audio = audio
                current.metadata = metadata
                current.status = .ready
                current.error = nil
                current.updatedAt = clock.now().sqliteRounded
                try transaction.tracks.update(current)
            }
            isKept = keepOriginal(upload, of: track.id)
        } catch StorageError.notFound {
            files.removeFiles(of: track.id)
        } catch AudioError.cancelled where isStopping.load(ordering: .relaxed) {
            return  // the next start marks the track failed
        } catch {
            let reason = (error as? APIError)?.message ?? String(describing: error)
            log?.log(.warning, "background encode failed", [("track_id", track.id.uuidString.lowercased()), ("error", reason)])
            _ = try? database.write { transaction in
                guard var current = try transaction.tracks.find(id: track.id) else { return }
                current.status = .failed
                current.error = reason
                current.updatedAt = clock.now().sqliteRounded
                try transaction.tracks.update(current)
            }
        }
    }

    /// Transcodes into a temporary sibling of the final path, completes the tag from the input's own metadata
    /// (and the file name for a missing title), lets `finalMetadata` have the last word, and renames the file into
    /// place. Returns what is stored.
    private func encode(
        _ upload: UploadedAudio, for id: UUID, metadata: TrackMetadata,
        finalMetadata: (TrackMetadata) throws -> TrackMetadata = { $0 }
    ) throws -> (StoredAudio, TrackMetadata) {
        try files.prepareDirectory(for: id)
        let finalPath = files.audioPath(for: id)
        let stagedPath = StagedAudioFile.temporaryPath(for: finalPath)
        var isCommitted = false
        defer { if !isCommitted { StagedAudioFile.remove(stagedPath) } }
        let info = try Self.inputErrorsAs415 {
            try transcoder.transcode(from: upload.path, to: stagedPath, tag: metadata.tag) { _ in
                !self.isStopping.load(ordering: .relaxed)
            }
        }
        var completed = metadata.filled(from: info.sourceTag)
        if completed.title == nil { completed.title = upload.titleFromFilename }
        completed = try finalMetadata(completed)
        if completed != metadata { try ID3Tag.rewrite(completed.tag, inFileAt: stagedPath) }
        let size = try TrackFiles.size(of: stagedPath)
        try StagedAudioFile.commit(stagedPath, to: finalPath)
        isCommitted = true
        return (StoredAudio(info, sizeBytes: size), completed)
    }

    /// With `audio.keep_originals`, moves the upload next to the MP3; returns whether it did.
    private func keepOriginal(_ upload: UploadedAudio, of id: UUID) -> Bool {
        guard settings.keepOriginals else { return false }
        return (try? StagedAudioFile.commit(upload.path, to: files.originalPath(for: id))) != nil
    }

    /// Runs `body`, turning audio the upload is to blame for into the contract's 415.
    static func inputErrorsAs415<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AudioError where error.isInputError {
            throw APIError.unsupportedMediaType("The upload is not audio this server can read (\(error)).")
        }
    }
}

/// The encoder speed, measured on first use and kept for the life of the process.
private final class EncoderSpeedCache: Sendable {
    private let stored = Mutex<Double?>(nil)

    func value(measure: () -> Double) -> Double {
        stored.withLock { value in
            if let value { return value }
            let measured = measure()
            value = measured
            return measured
        }
    }
}
