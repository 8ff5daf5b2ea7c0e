import Foundation

/// Reads a file, or a region of it, a piece at a time — for request bodies sent from files and for digests of
/// them, so that a file of any size never sits whole in memory.
public enum FilePieces {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Hands `length` bytes of `path` from `offset` (nil: to the end) to `body`, at most `pieceSize` at a time.
    /// A file that cannot be opened, or that ends before `offset + length`, throws `Failure`.
    public static func read(
        _ path: String, offset: Int64 = 0, length: Int64? = nil, pieceSize: Int = 64 * 1024,
        _ body: (Data) throws -> Void
    ) throws {
        guard let file = FileHandle(forReadingAtPath: path) else { throw Failure(description: "cannot read \(path)") }
        defer { try? file.close() }
        if offset > 0 { try file.seek(toOffset: UInt64(offset)) }
        var remaining = length ?? Int64.max
        while remaining > 0 {
            guard let piece = try file.read(upToCount: Int(min(Int64(pieceSize), remaining))), !piece.isEmpty else {
                guard let length else { return }
                throw Failure(description: "\(path) ended before \(offset + length) bytes")
            }
            try body(piece)
            remaining -= Int64(piece.count)
        }
    }
}
