import Dispatch

/// Notices commits that other connections make to the database file: the `duradora user` CLI on the same file,
/// another process. `Database.observeWrites` observers hear of this process's writes at once; without this they
/// would miss the others', and a cache would keep, say, a token revoked by the CLI working until its entries'
/// max age.
///
/// SQLite's `PRAGMA data_version` changes, on a connection, whenever any other connection has committed since the
/// last look. The watch has a connection of its own that never writes and polls it every `interval` seconds on
/// a private queue (never on an event loop or a request's worker); a change calls `onChange`. Our own commits
/// change it too, so they are reported once more: harmless for caches that only empty themselves.
final class SQLiteChangeWatch: @unchecked Sendable {
    private let path: String
    private let onChange: @Sendable () -> Void
    private let queue = DispatchQueue(label: "duradora.sqlite.change-watch")
    private let timer: DispatchSourceTimer
    // On `queue` only.
    private var connection: SQLiteConnection?
    private var lastVersion: Int?

    init(path: String, interval: Double, onChange: @escaping @Sendable () -> Void) {
        self.path = path
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

    /// Stops polling and closes the connection. Idempotent.
    func stop() {
        timer.cancel()
        queue.sync {
            connection?.close()
            connection = nil
        }
    }

    /// Reads `data_version`; true when it moved since the last read. A failed read (a busy or replaced file)
    /// drops the connection to reopen next time, and counts as a change: a missed commit must not hide.
    private func poll() -> Bool {
        do {
            let connection = try self.connection ?? SQLiteConnection(path: path, mode: .readOnly, busyTimeoutMilliseconds: 1000)
            self.connection = connection
            let version = try connection.scalarInt("PRAGMA data_version")
            defer { lastVersion = version }
            return lastVersion != nil && lastVersion != version
        } catch {
            connection?.close()
            connection = nil
            lastVersion = nil
            return true
        }
    }
}
