#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Log lines on their way to standard error, gathered for a few milliseconds and written with one `write(2)`:
/// one line per request cost a system call each, on the event loop. Like nginx's `access_log … buffer= flush=`,
/// but the lines are written by a queue of their own, never by the thread that logs them, unless more than
/// `backlogLimit` bytes are waiting (a stuck reader of our standard error then slows logging threads down
/// instead of growing memory).
final class StandardErrorLines: Sendable {
    static let shared = StandardErrorLines()

    private static let flushDelay = DispatchTimeInterval.milliseconds(20)
    private static let backlogLimit = 1 << 20

    private struct Pending {
        var bytes: [UInt8] = []
        var isFlushScheduled = false
    }

    private let pending = Mutex(Pending())
    /// Serializes writers so lines reach the file in the order they were added.
    private let writeLock = Mutex(())
    private let queue = DispatchQueue(label: "duradora.log", qos: .utility)

    func append(_ line: String) {
        let (schedule, overflowing) = pending.withLock { pending -> (Bool, Bool) in
            pending.bytes.append(contentsOf: line.utf8)
            pending.bytes.append(UInt8(ascii: "\n"))
            let schedule = !pending.isFlushScheduled
            pending.isFlushScheduled = true
            return (schedule, pending.bytes.count > Self.backlogLimit)
        }
        if overflowing {
            flush()
        } else if schedule {
            queue.asyncAfter(deadline: .now() + Self.flushDelay) { [self] in flush() }
        }
    }

    /// Writes everything waiting, now, on the calling thread.
    func flush() {
        writeLock.withLock { _ in
            let bytes = pending.withLock { pending in
                pending.isFlushScheduled = false
                defer { pending.bytes = [] }
                return pending.bytes
            }
            Self.writeAll(bytes)
        }
    }

    private static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && (errno == EINTR || errno == EAGAIN) {
                    continue
                } else {
                    return  // standard error is gone: nothing sensible to do with log lines
                }
            }
        }
    }
}
