import Dispatch
import DuradoraHTTP
import Synchronization

/// One shared encode of a whole transcode into its (temporary) cache file. Listeners of the same (audio, format,
/// bitrate) read the growing file through their own `LiveTranscodeStream`, each at its own pace, with `sendfile`;
/// the encoder runs ahead at full speed on disk, so a slow listener costs no memory. When the last listener
/// leaves before the end and nobody comes back within `grace` (a player's next range request arrives well within
/// it), the encode stops at its next block and the temporary file goes: within a second of the disconnect.
final class TranscodeJob: Sendable {
    enum Phase: Sendable, Equatable {
        case running
        case finished
        case failed
    }

    private struct State {
        var written: Int64 = 0
        var phase = Phase.running
        var listeners = 0
        var isAbandoned = false
        /// Uptime (ns) since which nobody listens; nil while someone does.
        var idleSince: UInt64?
        var waiters: [@Sendable () -> Void] = []
    }

    static let graceNanoseconds: UInt64 = 500_000_000

    let name: String
    let temporaryPath: String
    /// The temporary file, open for reading: listeners send from it, and it stays readable after the rename.
    let file: OpenFile
    private let state = Mutex(State())

    init(name: String, temporaryPath: String, file: OpenFile) {
        self.name = name
        self.temporaryPath = temporaryPath
        self.file = file
    }

    var written: Int64 { state.withLock { $0.written } }
    var phase: Phase { state.withLock { $0.phase } }

    // MARK: Listeners

    /// False when the encode was already abandoned (its last listener left): start a new one.
    func attach() -> Bool {
        state.withLock { state in
            guard !state.isAbandoned, state.phase != .failed else { return false }
            state.listeners += 1
            state.idleSince = nil
            return true
        }
    }

    /// The last listener leaving starts the grace period.
    func detach() {
        state.withLock { state in
            state.listeners -= 1
            if state.listeners <= 0 { state.idleSince = DispatchTime.now().uptimeNanoseconds }
        }
    }

    /// What a listener at `offset` may send now: the bytes up to `written`, or the end, or an error.
    enum Availability {
        case bytes(upTo: Int64)
        case waiting
        case failed
    }

    /// Whether bytes from `offset` are there; if not (and `wake` is given), `wake` runs once when more arrive.
    func availability(at offset: Int64, wake: (@Sendable () -> Void)? = nil) -> Availability {
        state.withLock { state in
            if state.phase == .failed { return .failed }
            if offset < state.written || state.phase == .finished { return .bytes(upTo: state.written) }
            if let wake { state.waiters.append(wake) }
            return .waiting
        }
    }

    // MARK: The encoder's side

    /// Records `count` more bytes written; false once the encode is abandoned (stop encoding).
    func advance(by count: Int) -> Bool {
        let (waiters, isAbandoned) = state.withLock { state in
            state.written += Int64(count)
            if state.listeners <= 0, let idleSince = state.idleSince,
               DispatchTime.now().uptimeNanoseconds - idleSince > Self.graceNanoseconds {
                state.isAbandoned = true
            }
            defer { state.waiters = [] }
            return (state.waiters, state.isAbandoned)
        }
        waiters.forEach { $0() }
        return !isAbandoned
    }

    /// The end of the encode: listeners waiting for bytes wake to send the rest, or to fail.
    func end(_ phase: Phase) {
        let waiters = state.withLock { state in
            state.phase = phase
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0() }
    }

    var isAbandoned: Bool { state.withLock { $0.isAbandoned } }
}
