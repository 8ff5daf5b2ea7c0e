import Foundation
import Synchronization

/// Finished transcodes on disk, one file per (audio ETag, format, bitrate), kept under `capacity` bytes by
/// evicting the least recently used. The index lives in memory and is rebuilt from the directory at start
/// (size, and the modification time as the last use: every hit touches the file), so it survives restarts.
///
/// An encode writes under a temporary name and renames the file into place only once it is complete, so a file
/// with a final name is always whole; the temporaries a crash leaves are removed when the cache opens. Space for a
/// running encode is reserved up front (its length is exact), so the directory never outgrows the cap, not even
/// while encodes are under way. Evicting a file someone is still sending is safe: their descriptor keeps it.
public final class TranscodeCache: Sendable {
    public struct Stats: Sendable, Equatable {
        public var files: Int
        public var bytes: Int64
        public var capacity: Int64
    }

    private struct Entry {
        var size: Int64
        var lastUse: Int64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var used: Int64 = 0
        var reserved: Int64 = 0
        var clock: Int64 = 0
    }

    public let directory: String
    public let capacity: Int64
    private let state = Mutex(State())

    /// Opens (creating) the cache directory, removes half-written files, and indexes the finished ones; then
    /// evicts down to `capacity` (it may have been lowered since). `removingTemporaries: false` is for the CLI,
    /// which may run beside a server whose encodes are writing their temporaries.
    public init(directory: String, capacity: Int64, removingTemporaries: Bool = true) throws {
        self.directory = directory
        self.capacity = max(capacity, 0)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if removingTemporaries { StagedAudioFile.removeTemporaryFiles(under: directory) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        state.withLock { state in
            for name in names where Self.isCacheFileName(name) {
                var info = stat()
                guard stat(path(for: name), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                state.entries[name] = Entry(size: Int64(info.st_size), lastUse: Int64(info.st_mtim.tv_sec))
                state.used += Int64(info.st_size)
            }
            // Ticks continue after the newest file's time, so the order across a restart is kept.
            state.clock = (state.entries.values.map(\.lastUse).max() ?? 0) + 1
            evict(&state, toFit: 0)
        }
    }

    /// The file name of a transcode: the ETag's safe characters, then the profile (`…-mp3-128.mp3`).
    public static func fileName(etag: String, profile: StreamProfile) -> String {
        let safe = String(etag.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" }.prefix(96))
        return "\(safe)-\(profile).\(profile.fileExtension)"
    }

    static func isCacheFileName(_ name: String) -> Bool {
        !StagedAudioFile.isTemporary(fileName: name) && (name.hasSuffix(".mp3") || name.hasSuffix(".opus"))
    }

    public func path(for name: String) -> String { directory + "/" + name }

    /// The path of a finished transcode, marked as used now; nil when it is not cached.
    public func lookup(_ name: String) -> String? {
        let found = state.withLock { state -> Bool in
            guard state.entries[name] != nil else { return false }
            state.entries[name]?.lastUse = state.clock
            state.clock += 1
            return true
        }
        guard found else { return nil }
        let path = path(for: name)
        _ = utimes(path, nil)   // the last use, for the index rebuilt at the next start
        return path
    }

    /// Makes room for an encode of `bytes` (evicting the least recently used); false when it cannot fit at all.
    public func reserve(_ bytes: Int64) -> Bool {
        state.withLock { state in
            evict(&state, toFit: bytes)
            guard state.used + state.reserved + bytes <= capacity else { return false }
            state.reserved += bytes
            return true
        }
    }

    /// Gives back a reservation whose encode failed or was abandoned.
    public func release(_ bytes: Int64) {
        state.withLock { $0.reserved = max($0.reserved - bytes, 0) }
    }

    /// Moves a finished temporary file into place under `name`; its reservation becomes the entry.
    public func commit(temporaryPath: String, as name: String, reserved: Int64) throws {
        try StagedAudioFile.commit(temporaryPath, to: path(for: name))
        var info = stat()
        let size = stat(path(for: name), &info) == 0 ? Int64(info.st_size) : reserved
        state.withLock { state in
            state.reserved = max(state.reserved - reserved, 0)
            if let old = state.entries[name] { state.used -= old.size }
            state.entries[name] = Entry(size: size, lastUse: state.clock)
            state.clock += 1
            state.used += size
            evict(&state, toFit: 0)
        }
    }

    public var stats: Stats {
        state.withLock { Stats(files: $0.entries.count, bytes: $0.used, capacity: capacity) }
    }

    /// Removes every cached file; returns how many.
    @discardableResult
    public func prune() -> Int {
        state.withLock { state in
            let count = state.entries.count
            for name in state.entries.keys { StagedAudioFile.remove(path(for: name)) }
            state.entries = [:]
            state.used = 0
            return count
        }
    }

    /// Evicts the least recently used files until `extra` more bytes fit under the cap.
    private func evict(_ state: inout State, toFit extra: Int64) {
        guard state.used + state.reserved + extra > capacity else { return }
        for (name, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
            guard state.used + state.reserved + extra > capacity else { break }
            StagedAudioFile.remove(path(for: name))
            state.entries[name] = nil
            state.used -= entry.size
        }
    }
}
