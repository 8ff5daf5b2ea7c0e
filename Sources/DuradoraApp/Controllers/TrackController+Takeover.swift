import Foundation

/// Background encodes outlive the process that began them. Each `processing` track carries a claim — the instance
/// encoding it and when it last said so — renewed every `encodeClaimSeconds` while the encode runs. A claim three
/// periods old belongs to an instance that stopped or died: any instance takes it over (`claimStaleEncode`, which
/// two instances never win at once), finishes the encode from the upload kept in the bucket, or — when the upload
/// was only on the dead instance's disk — marks the track failed, so no track stays `processing` forever.
extension TrackController {
    /// Claims older than this are stale.
    var staleClaimSeconds: Double { settings.encodeClaimSeconds * 3 }

    /// Takes over every stale encode this instance has a slot for: those whose claim was renewed before
    /// `staleBefore` (default: three claim periods ago). Returns how many it resumed and how many it failed.
    @discardableResult
    func takeOverStaleEncodes(staleBefore: Date? = nil) throws -> (resumed: Int, failed: Int) {
        var resumed = 0, failed = 0
        let cutoff = staleBefore ?? clock.now().addingTimeInterval(-staleClaimSeconds)
        while !isStopping.load(ordering: .relaxed), slots.tryAcquire() {
            var isSlotHandedOver = false
            defer { if !isSlotHandedOver { slots.release() } }
            // Claims are bookkeeping no cache holds: no instance's caches empty for them.
            guard let pending = try database.writeUnobserved({
                try $0.tracks.claimStaleEncode(owner: instanceID, staleBefore: cutoff, at: clock.now())
            }) else { break }
            guard let track = try database.read({ try $0.tracks.find(id: pending.trackID) }) else { continue }
            guard let tag = pending.uploadTag, let path = try? audio.fetchUpload(tag, of: track.id) else {
                markFailed(track.id, reason: "the server stopped while encoding")
                if let tag = pending.uploadTag { audio.removeUpload(tag, of: track.id) }
                failed += 1
                continue
            }
            log?.log(.info, "background encode resumed", [("track_id", track.id.lowercasedString)])
            isSlotHandedOver = true
            runInBackground(UploadedAudio(path: path, filename: pending.filename), track: track, uploadTag: tag)
            resumed += 1
        }
        return (resumed, failed)
    }

    /// Every claim period until `stop()`: renew this instance's claims while it encodes, then look for stale ones.
    func startClaimTimer() {
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + settings.encodeClaimSeconds) { [weak self] in
            guard let self, !self.isStopping.load(ordering: .relaxed) else { return }
            // Counted with the encodes, so `stop()` waits for a tick under way before the database closes.
            self.jobs.enter()
            defer { self.jobs.leave() }
            do {
                if self.backgroundEncodes.load(ordering: .relaxed) > 0 {
                    try self.database.writeUnobserved {
                        try $0.tracks.renewEncodes(owner: self.instanceID, at: self.clock.now())
                    }
                }
                // One server per SQLite file: what a stopped process left was taken over at this one's start.
                if self.database.isShared { try self.takeOverStaleEncodes() }
            } catch {
                // The database is away (a restart, say): the next period tries again.
                self.log?.log(.warning, "encode claims", [("error", String(describing: error))])
            }
            self.startClaimTimer()
        }
    }
}
