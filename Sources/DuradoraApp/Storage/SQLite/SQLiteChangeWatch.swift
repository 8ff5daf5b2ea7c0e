import Dispatch

/// Notices commits that other processes make to the database file (the `duradora user` CLI on the same file).
/// `Database.observeWrites` observers hear of this process's writes at once; without this they would miss the
/// others', and a cache would keep, say, a token revoked by the CLI working until its entries' max age.
///
/// SQLite's `PRAGMA data_version` changes, on a connection, whenever another connection has committed since the
/// last look; read on our writer connection, our own commits leave it alone. The watch reads it every `interval`
/// seconds on a private queue (never on an event loop or a request's worker), and a change calls `onChange`.
final class SQLiteChangeWatch: @unchecked Sendable {
    private let readVersion: @Sendable () throws -> Int
    private let onChange: @Sendable () -> Void
    private let queue = DispatchQueue(label: "duradora.sqlite.change-watch")
    private let timer: DispatchSourceTimer
    private var lastVersion: Int?  // on `queue` only

    init(interval: Double, readVersion: @escaping @Sendable () throws -> Int, onChange: @escaping @Sendable () -> Void) {
        self.readVersion = readVersion
        self.onChange = onChange
        timer = DispatchSource.makeTimerSource(queue: queue)
        queue.sync { _ = poll() }  // the baseline: commits from here on are noticed
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in
            guard let self, poll() else { return }
            self.onChange()
        }
        timer.resume()
    }

    /// Stops polling; no `onChange` call starts after it returns. Idempotent.
    func stop() {
        timer.cancel()
        queue.sync {}
    }

    /// True when `data_version` moved since the last read. A failed read counts as a change: a missed commit
    /// must not hide behind an error.
    private func poll() -> Bool {
        do {
            let version = try readVersion()
            defer { lastVersion = version }
            return lastVersion != nil && lastVersion != version
        } catch {
            lastVersion = nil
            return true
        }
    }
}
