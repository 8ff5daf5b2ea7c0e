import Foundation
import Synchronization

extension TrackController {
    /// Process-wide: measuring LAME takes a moment, and the machine does not change between uploads.
    private static let encoderSpeed = EncoderSpeedCache()

    /// The upload path (see `Transcoder`): plan (415 for what libsndfile cannot open), take a transcode slot (503
    /// when all are busy), then encode now (201) or in the background (202, the row says `processing`).
    /// The new version is stored before the row commits and the old one removed after; on failure neither the row
    /// nor the new version is left behind, and the track keeps the audio it had.
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
            let staged = try stage(upload, for: track.id, metadata: track.metadata)
            defer { staged.discard() }
            let stored = try locks.withLock(track.id) {
                // A replacement goes into the row as it is now: a PATCH during the encode is kept.
                let current: Track? = isNew ? track : try database.read { try $0.tracks.find(id: track.id) }
                guard let current else { throw APIError.notFound("Track") }
                let committed = try commit(staged, from: upload, into: current)
                do {
                    let saved = try database.write { try $0.tracks.save(committed, isNew: isNew) }
                    audio.retire(current.audio?.fileTag, of: track.id)
                    return saved
                } catch {
                    // The new version is named by no row: it goes, and the track keeps the audio it had.
                    if let version = committed.audio { audio.discard(version.fileTag, of: track.id) }
                    throw (error as? StorageError) == .notFound ? APIError.notFound("Track") : error
                }
            }
            isHandedOver = keepOriginal(upload, of: stored)
            return (stored, false)
        }

        // With a bucket, the upload is kept there until the encode ends: if this instance dies, another finishes.
        let uploadTag = try audio.keepUpload(upload.path, of: track.id)
        let processing: Track
        do {
            processing = try locks.withLock(track.id) {
                let current: Track? = isNew ? track : try database.read { try $0.tracks.find(id: track.id) }
                guard var processing = current else { throw APIError.notFound("Track") }
                processing.status = .processing
                processing.error = nil
                processing.updatedAt = clock.now().sqliteRounded
                return try database.write { transaction in
                    let saved = try transaction.tracks.save(processing, isNew: isNew)
                    try transaction.tracks.claimEncode(
                        id: track.id, owner: instanceID, uploadTag: uploadTag, filename: upload.filename, at: clock.now())
                    return saved
                }
            }
        } catch {
            if let uploadTag { audio.removeUpload(uploadTag, of: track.id) }
            throw error
        }
        isHandedOver = true
        isSlotHandedOver = true
        runInBackground(upload, track: processing, uploadTag: uploadTag)
        return (processing, true)
    }

    /// Encodes `upload` into `track` on a utility thread, holding a transcode slot the caller took.
    func runInBackground(_ upload: UploadedAudio, track: Track, uploadTag: String?) {
        jobs.enter()
        backgroundEncodes.add(1, ordering: .relaxed)
        DispatchQueue.global(qos: .utility).async { [self] in
            defer { jobs.leave() }
            defer { slots.release() }
            defer { backgroundEncodes.subtract(1, ordering: .relaxed) }
            finishInBackground(upload, track: track, uploadTag: uploadTag)
        }
    }

    /// The background half: encode, then mark the track `ready` with the metadata current at that moment, or
    /// `failed` with the reason; either way its claim ends and a kept upload goes. A track deleted meanwhile
    /// takes its new file with it. Cancelled by `stop()`, the claim stays for the next start or another instance.
    private func finishInBackground(_ upload: UploadedAudio, track: Track, uploadTag: String?) {
        var isKept = false
        defer { if !isKept { upload.discard() } }
        var hasEnded = true
        defer { if hasEnded, let uploadTag { audio.removeUpload(uploadTag, of: track.id) } }
        do {
            let staged = try stage(upload, for: track.id, metadata: track.metadata)
            defer { staged.discard() }
            let stored = try locks.withLock(track.id) {
                guard let current = try database.read({ try $0.tracks.find(id: track.id) }) else {
                    throw StorageError.notFound
                }
                let stored = try commit(staged, from: upload, into: current)
                do {
                    try database.write { transaction in
                        try transaction.tracks.update(stored)
                        try transaction.tracks.endEncode(id: track.id)
                    }
                } catch {
                    if let version = stored.audio { audio.discard(version.fileTag, of: track.id) }
                    throw error
                }
                audio.retire(current.audio?.fileTag, of: track.id)
                return stored
            }
            isKept = keepOriginal(upload, of: stored)
        } catch StorageError.notFound {
            // Deleted meanwhile: whatever this encode stored went with the failed update above.
            return
        } catch AudioError.cancelled where isStopping.load(ordering: .relaxed) {
            hasEnded = false  // claimed still: taken over once the claim is stale
        } catch {
            let reason = (error as? APIError)?.message ?? String(describing: error)
            log?.log(.warning, "background encode failed", [("track_id", track.id.lowercasedString), ("error", reason)])
            markFailed(track.id, reason: reason)
        }
    }

    /// Ends a background encode as `failed` with `reason`.
    func markFailed(_ id: UUID, reason: String) {
        _ = try? database.write { transaction in
            try transaction.tracks.endEncode(id: id)
            guard var current = try transaction.tracks.find(id: id) else { return }
            current.status = .failed
            current.error = reason
            current.updatedAt = clock.now().sqliteRounded
            try transaction.tracks.update(current)
        }
    }

    /// The long step, without any lock: transcode into a staged file of the working area, tagged with
    /// `metadata`; the upload's embedded picture goes into the cover store.
    private func stage(_ upload: UploadedAudio, for id: UUID, metadata: TrackMetadata) throws -> StagedEncode {
        let path = try files.makeStagingPath(for: id)
        let info = try Self.inputErrorsAs415 {
            try transcoder.transcode(from: upload.path, to: path, tag: metadata) { _ in
                !self.isStopping.load(ordering: .relaxed)
            }
        }
        // After the encode: audio that is not audio (415) stores no picture.
        let cover = covers?.storeEmbeddedPicture(ofFileAt: upload.path)
        return StagedEncode(path: path, info: info, taggedWith: metadata, coverHash: cover)
    }

    /// The short step, under the track's lock: completes `track`'s metadata from the input's own tag (and the file
    /// name for a missing title), rewrites the staged file's tag if that changed it, stores it as the track's
    /// new version, and returns the row to write.
    private func commit(_ staged: StagedEncode, from upload: UploadedAudio, into track: Track) throws -> Track {
        var metadata = track.metadata.filled(from: staged.info.sourceTag)
        if metadata.title == nil { metadata.title = upload.titleFromFilename }
        if metadata != staged.taggedWith { try ID3Tag.rewrite(metadata, inFileAt: staged.path) }
        let version = StoredAudio(staged.info, sizeBytes: try TrackFiles.size(of: staged.path))
        try audio.store(staged.path, as: version, of: track.id)
        var stored = track
        stored.metadata = metadata
        stored.audio = version
        // The new audio's picture; audio without one keeps the track's (a re-encode or a better rip of the same
        // record is no reason to lose its cover).
        stored.coverHash = staged.coverHash ?? track.coverHash
        stored.status = .ready
        stored.error = nil
        stored.updatedAt = clock.now().sqliteRounded
        return stored
    }

    /// With `audio.keep_originals`, moves the upload next to the MP3 of `track`'s version; whether it took it.
    private func keepOriginal(_ upload: UploadedAudio, of track: Track) -> Bool {
        guard settings.keepOriginals, let version = track.audio else { return false }
        return audio.storeOriginal(upload.path, of: version, of: track.id)
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

/// An encoded file waiting under its temporary name for `commit`. `discard()` after a commit finds nothing.
private struct StagedEncode {
    let path: String
    let info: AudioInfo
    /// The metadata its tag was written with.
    let taggedWith: TrackMetadata
    /// The upload's embedded picture, stored; nil: it had none (or none that is an image).
    let coverHash: String?

    func discard() {
        StagedAudioFile.remove(path)
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
