import Dispatch

/// Scans `library.music_folders` at start and then every `library.scan_interval_minutes` (0: only at start).
/// A tick that finds a scan running (one started through the API) skips its turn. Owned and stopped by
/// `Application`.
final class LibraryScanSchedule {
    private let queue = DispatchQueue(label: "duradora.library-scan-schedule")
    private let timer: any DispatchSourceTimer

    init(scanner: LibraryScanner, folders: [String], intervalMinutes: Int, log: AccessLog) {
        timer = DispatchSource.makeTimerSource(queue: queue)
        if intervalMinutes > 0 {
            timer.schedule(deadline: .now(), repeating: .seconds(intervalMinutes * 60), leeway: .seconds(30))
        } else {
            timer.schedule(deadline: .now())
        }
        timer.setEventHandler {
            do {
                _ = try scanner.start(folders: folders)
            } catch {
                log.log(.info, "scheduled library scan skipped", [("reason", String(describing: error))])
            }
        }
        timer.resume()
    }

    func stop() {
        timer.cancel()
        queue.sync {}
    }
}
