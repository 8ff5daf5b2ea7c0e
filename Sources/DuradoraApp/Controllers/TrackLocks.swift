import Foundation

/// Serialises the short "read the row, change the file, write the row" steps on one track (a PATCH's tag rewrite,
/// an encode's final commit), so two of them never interleave and leave a file tag that disagrees with the row.
/// Striped: a fixed set of locks chosen by the id's hash, so memory does not grow with the number of tracks.
/// Never held across an encode, only around the quick steps; never taken twice by one thread.
final class TrackLocks: Sendable {
    private let locks: [NSLock]

    init(stripes: Int = 64) {
        locks = (0..<max(stripes, 1)).map { _ in NSLock() }
    }

    func withLock<T>(_ id: UUID, _ body: () throws -> T) rethrows -> T {
        let lock = locks[Int(UInt(bitPattern: id.hashValue) % UInt(locks.count))]
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
