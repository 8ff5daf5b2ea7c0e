import Foundation
import Synchronization

/// Imports music folders in place: files are read (tags, duration, format) and never copied or written, and the
/// tracks point at them (`Track.sourcePath`). A rescan is idempotent and cheap: a file whose (path, size, mtime)
/// is unchanged costs one stat; a changed one is read again and its track updated in place (same id, so stars,
/// ratings, plays and playlist entries stay); a vanished one's track is removed (and leaves its playlists); a
/// broken one is reported and the scan goes on. One scan at a time: a second is 409 — across every instance on a
/// shared database too, which hold the lease `library-scan` while they scan (renewed with every batch).
public final class LibraryScanner: Sendable {
    /// Who owns new tracks (nil: nobody, as for tracks kept of a deleted user) and who may see them.
    public struct Options: Sendable {
        public var owner: User?
        public var visibility: Visibility

        public init(owner: User? = nil, visibility: Visibility = .public) {
            self.owner = owner
            self.visibility = visibility
        }
    }

    private struct Registry {
        var runningID: UUID?
        var scans: [UUID: LibraryScan] = [:]
        var order: [UUID] = []
    }

    let database: any Database
    let clock: TimeSource
    let log: AccessLog?
    /// Where pictures found in files or beside them go; nil: covers are not collected.
    let covers: CoverStore?
    private let registry = Mutex(Registry())
    /// Background scans; `stop()` makes them give up at the next file and waits for them.
    private let jobs = DispatchGroup()
    private let isStopping = Atomic(false)
    /// Tracks written per transaction: large enough that commits do not dominate, small enough that readers see
    /// progress and a crash loses little.
    static let batchSize = 200
    /// Finished scans kept for `GET …/scans/{id}`.
    static let keptScans = 20
    /// The lease a scanning instance holds on a shared database, and how long each renewal lasts: far longer
    /// than a batch takes, short enough that a dead instance's scan blocks the next one only briefly.
    static let leaseName = "library-scan"
    static let leaseSeconds: TimeInterval = 120
    /// Names this process as the lease's owner.
    private let instanceID = UUID().lowercasedString

    public init(database: any Database, covers: CoverStore? = nil, clock: TimeSource = .system, log: AccessLog? = nil) {
        self.database = database
        self.covers = covers
        self.clock = clock
        self.log = log
    }

    /// The scan with this id, running or among the last ones.
    public func scan(id: UUID) -> LibraryScan? {
        registry.withLock { $0.scans[id] }
    }

    /// The running scan, else the last one started (Subsonic `getScanStatus` names no id).
    public func latestScan() -> LibraryScan? {
        registry.withLock { registry in registry.order.last.flatMap { registry.scans[$0] } }
    }

    /// Starts scanning `folders` in the background and returns at once (202); 409 while another scan runs.
    public func start(folders: [String], options: Options = Options()) throws -> LibraryScan {
        let scan = try begin()
        jobs.enter()
        DispatchQueue.global(qos: .utility).async { [self] in
            defer { jobs.leave() }
            _ = finish(scan, folders: folders, options: options, progress: nil)
        }
        return scan
    }

    /// Stops background scans (bounded wait) so the database can close under nobody's feet.
    public func stop(timeoutSeconds: Double = 10) {
        isStopping.store(true, ordering: .relaxed)
        _ = jobs.wait(timeout: .now() + timeoutSeconds)
    }

    /// Scans `folders` now, on this thread (the CLI, scheduled scans); `progress` hears of every batch.
    /// 409 while another scan runs.
    public func run(folders: [String], options: Options = Options(),
                    progress: ((LibraryScan) -> Void)? = nil) throws -> LibraryScan {
        finish(try begin(), folders: folders, options: options, progress: progress)
    }

    private func begin() throws -> LibraryScan {
        let scan = LibraryScan(startedAt: clock.now().sqliteRounded)
        try registry.withLock { registry in
            if let running = registry.runningID {
                throw APIError.conflict("scan_running", "Scan \(running.lowercasedString) is still running.")
            }
            registry.runningID = scan.id
        }
        do {
            guard try holdLease() else {
                throw APIError.conflict("scan_running", "A library scan is running on another instance.")
            }
        } catch {
            registry.withLock { $0.runningID = nil }
            throw error
        }
        registry.withLock { registry in
            registry.scans[scan.id] = scan
            registry.order.append(scan.id)
            while registry.order.count > Self.keptScans { registry.scans[registry.order.removeFirst()] = nil }
        }
        return scan
    }

    /// Takes or renews the scan lease (always true on a database only this process serves).
    private func holdLease() throws -> Bool {
        guard database.isShared else { return true }
        let now = clock.now()
        return try database.writeUnobserved {
            try $0.leases.acquire(Self.leaseName, owner: instanceID, until: now + Self.leaseSeconds, now: now)
        }
    }

    private func finish(_ scan: LibraryScan, folders: [String], options: Options,
                        progress: ((LibraryScan) -> Void)?) -> LibraryScan {
        var scan = scan
        let publish: (LibraryScan) -> Void = { [self] current in
            registry.withLock { $0.scans[current.id] = current }
            progress?(current)
        }
        do {
            for folder in folders { try scanFolder(folder, into: &scan, options: options, publish: publish) }
            scan.state = .finished
        } catch {
            scan.state = .failed
            scan.report(folders.joined(separator: ", "), "the scan stopped: \(error)")
            log?.log(.error, "library scan failed", [("scan_id", scan.id.lowercasedString), ("error", "\(error)")])
        }
        if scan.state == .finished, let covers {
            // What the scan replaced or removed may have been a picture's last reference.
            do {
                try LibraryCoverSweep(database: database, covers: covers).run(before: clock.now() - LibraryCoverSweep.grace)
            } catch {
                log?.log(.warning, "cover sweep failed", [("error", "\(error)")])
            }
        }
        scan.finishedAt = clock.now().sqliteRounded
        if database.isShared {
            // An instance that cannot say so lets the lease expire instead.
            _ = try? database.writeUnobserved { try $0.leases.release(Self.leaseName, owner: instanceID) }
        }
        registry.withLock { registry in
            registry.scans[scan.id] = scan
            registry.runningID = nil
        }
        progress?(scan)
        log?.log(.info, "library scan ended", [
            ("scan_id", scan.id.lowercasedString), ("files", "\(scan.filesSeen)"), ("added", "\(scan.added)"),
            ("updated", "\(scan.updated)"), ("removed", "\(scan.removed)"), ("failed", "\(scan.failed)"),
        ])
        return scan
    }

    /// One folder: walk, read what changed, write in batches, then remove what vanished. A folder that is not
    /// there (an unmounted disk) is reported and removes nothing.
    private func scanFolder(_ folder: String, into scan: inout LibraryScan, options: Options,
                            publish: (LibraryScan) -> Void) throws {
        let root = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            scan.report(folder, "not a readable directory; nothing was removed")
            return
        }
        let known = try database.read { try $0.library.importedFiles(under: root.path) }
        var seen = Set<String>()
        var batch: [ReadFile] = []
        var folderCovers: [String: String?] = [:]  // directory → its cover.*/folder.*/front.* picture, looked up once
        try MusicFolderWalk(root: root.path).forEachFile { file in
            if isStopping.load(ordering: .relaxed) { throw CancellationError() }
            let path = file.path
            guard AudioFormat(fileExtension: (path as NSString).pathExtension) != nil else { return true }
            scan.filesSeen += 1
            seen.insert(path)
            let modifiedAt = file.modifiedAt.sqliteRounded
            let previous = known[path]
            if let previous, previous.size == file.size, previous.modifiedAt == modifiedAt { return true }
            do {
                let audio = try AudioFileReader.read(path)
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
                if folderCovers[directory] == nil { folderCovers[directory] = .some(folderCover(in: directory)) }
                let cover = covers?.storeEmbeddedPicture(ofFileAt: path, format: audio.format) ?? folderCovers[directory] ?? nil
                batch.append(ReadFile(path: path, size: file.size, modifiedAt: modifiedAt, audio: audio,
                                      existingID: previous?.trackID, coverHash: cover))
            } catch {
                scan.report(path, "\(error)")
            }
            if batch.count >= Self.batchSize {
                try write(&batch, into: &scan, options: options)
                publish(scan)
            }
            return true
        }
        try write(&batch, into: &scan, options: options)
        let vanished = known.filter { !seen.contains($0.key) }.map(\.value.trackID)
        for start in stride(from: 0, to: vanished.count, by: Self.batchSize) {
            try database.write { transaction in
                for id in vanished[start..<min(start + Self.batchSize, vanished.count)] {
                    try? transaction.tracks.delete(id: id)  // gone already (deleted by hand meanwhile) is fine
                }
            }
        }
        scan.removed += vanished.count
        publish(scan)
    }

    /// `cover.*`, `folder.*` or `front.*` (any letter case, in that order of preference) in `directory`, stored.
    private func folderCover(in directory: String) -> String? {
        guard let covers, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let pictures = names.filter { ["jpg", "jpeg", "png", "webp"].contains(($0 as NSString).pathExtension.lowercased()) }
        for stem in ["cover", "folder", "front"] {
            if let name = pictures.first(where: { ($0 as NSString).deletingPathExtension.lowercased() == stem }),
               let hash = covers.store(fileAt: directory + "/" + name) {
                return hash
            }
        }
        return nil
    }

    /// Adds or updates the tracks of `batch` in one transaction, then empties it.
    private func write(_ batch: inout [ReadFile], into scan: inout LibraryScan, options: Options) throws {
        guard !batch.isEmpty else { return }
        // Every batch renews the lease; a lease lost (this instance stalled past it, another took over) ends the scan.
        guard try holdLease() else { throw LibraryScanError.leaseLost }
        let now = clock.now().sqliteRounded
        let (added, updated) = try database.write { transaction -> (Int, Int) in
            var added = 0
            var updated = 0
            for file in batch {
                if let id = file.existingID, var track = try transaction.tracks.find(id: id) {
                    file.apply(to: &track, at: now)
                    try transaction.tracks.update(track)
                    try transaction.library.stampImport(trackID: id, size: file.size, modifiedAt: file.modifiedAt)
                    updated += 1
                } else {
                    var track = Track(id: UUID(), ownerID: options.owner?.id, visibility: options.visibility,
                                      status: .ready, createdAt: now, updatedAt: now, sourcePath: file.path)
                    file.apply(to: &track, at: now)
                    try transaction.tracks.insert(track)
                    try transaction.library.stampImport(trackID: track.id, size: file.size, modifiedAt: file.modifiedAt)
                    added += 1
                }
            }
            return (added, updated)
        }
        scan.added += added
        scan.updated += updated
        batch.removeAll(keepingCapacity: true)
    }
}

/// A file read by the scan, waiting for its batch's transaction.
private struct ReadFile {
    let path: String
    let size: Int64
    let modifiedAt: Date
    let audio: AudioFileReader.Result
    let existingID: UUID?
    let coverHash: String?

    /// The file is the truth for an imported track: its tags, format and measurements replace the row's.
    func apply(to track: inout Track, at date: Date) {
        var tag = audio.tag
        if tag.title == nil { tag.title = ((path as NSString).lastPathComponent as NSString).deletingPathExtension }
        track.metadata = tag
        track.format = audio.format
        track.coverHash = coverHash
        track.audio = StoredAudio(durationSeconds: audio.durationSeconds, sampleRate: audio.sampleRate,
                                  channels: audio.channels, bitrate: audio.bitrate, sizeBytes: audio.sizeBytes,
                                  fileTag: StoredAudio.makeFileTag())
        track.status = .ready
        track.error = nil
        track.updatedAt = date
    }
}

/// Why a scan stopped before its end (beyond the database's and the files' own errors).
enum LibraryScanError: Error, CustomStringConvertible {
    /// On a shared database: the lease expired while this instance was stalled, and another took it.
    case leaseLost

    var description: String { "the scan lease was lost to another instance" }
}
