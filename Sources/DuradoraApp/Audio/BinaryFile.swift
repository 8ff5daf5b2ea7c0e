#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain file descriptor for the audio pipeline's byte-level work: MP3 output, ID3 rewrites, frame scanning.
/// Not thread-safe; owned by one caller at a time.
final class BinaryFile {
    let path: String
    private var descriptor: Int32

    private init(path: String, flags: Int32) throws {
        self.path = path
        let fd = open(path, flags | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AudioError.io(operation: "open", path: path, code: errno) }
        descriptor = fd
    }

    static func openForReading(_ path: String) throws -> BinaryFile {
        try BinaryFile(path: path, flags: O_RDONLY)
    }

    /// Creates (or truncates) a file for writing.
    static func create(_ path: String) throws -> BinaryFile {
        try BinaryFile(path: path, flags: O_WRONLY | O_CREAT | O_TRUNC)
    }

    deinit { close() }

    /// Idempotent.
    func close() {
        if descriptor >= 0 {
            _ = posixClose(descriptor)
            descriptor = -1
        }
    }

    func size() throws -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw AudioError.io(operation: "fstat", path: path, code: errno) }
        return Int64(info.st_size)
    }

    /// Reads up to `buffer.count` bytes at the current position; 0 means end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = posixRead(descriptor, base, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw AudioError.io(operation: "read", path: path, code: errno) }
        }
    }

    /// Reads up to `count` bytes at `offset` (fewer only at end of file).
    func read(at offset: Int64, count requested: Int) throws -> [UInt8] {
        // Clamp to what the file holds: a size read from a header (an ID3 tag claiming 256 MB) must not become an
        // allocation of that size.
        let count = Int(max(0, min(Int64(requested), try size() - offset)))
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while filled < count {
                let result = pread(descriptor, base + filled, count - filled, off_t(offset) + off_t(filled))
                if result == 0 { break }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw AudioError.io(operation: "pread", path: path, code: errno)
                }
                filled += result
            }
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard var base = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let count = posixWrite(descriptor, base, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                throw AudioError.io(operation: "write", path: path, code: errno)
            }
            remaining -= count
            base += count
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ bytes: [UInt8], at offset: Int64) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var written = 0
            while written < buffer.count {
                let count = pwrite(descriptor, base + written, buffer.count - written,
                                   off_t(offset) + off_t(written))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw AudioError.io(operation: "pwrite", path: path, code: errno)
                }
                written += count
            }
        }
    }

    func seek(to offset: Int64) throws {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw AudioError.io(operation: "lseek", path: path, code: errno)
        }
    }

    func sync() throws {
        guard fsync(descriptor) == 0 else { throw AudioError.io(operation: "fsync", path: path, code: errno) }
    }

    /// Copies everything from the current position of `source` to the end, in bounded blocks.
    func copyRemainder(of source: BinaryFile, blockSize: Int = 1 << 16) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { return }
            try write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}

// MARK: - Paths

extension BinaryFile {
    static func removeItem(at path: String) {
        _ = unlink(path)
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func rename(_ source: String, to destination: String) throws {
        guard posixRename(source, destination) == 0 else {
            throw AudioError.io(operation: "rename", path: destination, code: errno)
        }
    }

    /// A second name for the file at `path`: a hard link (no bytes copied), or a copy where links are refused
    /// (another file system). For handing a file to a store that consumes what it is given.
    static func secondName(of path: String, at destination: String) throws {
        guard link(path, destination) != 0 else { return }
        let output = try create(destination)
        defer { output.close() }
        try output.copyRemainder(of: try openForReading(path))
    }

    /// Marks temporary files, so a start-up sweep can find the ones a crash left behind.
    static let temporaryMarker = ".tmp-"

    /// A sibling path for a temporary file, so that a later rename stays on the same file system.
    static func temporarySibling(of path: String) -> String {
        "\(path)\(temporaryMarker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// fsyncs the directory holding `path`, making a rename durable.
    static func syncDirectory(containing path: String) throws {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AudioError.io(operation: "open", path: directory, code: errno) }
        defer { _ = posixClose(fd) }
        guard fsync(fd) == 0 else { throw AudioError.io(operation: "fsync", path: directory, code: errno) }
    }
}

// Free functions whose names the methods above shadow.
private func posixClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(fd)
    #else
    Darwin.close(fd)
    #endif
}

private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}

private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}

private func posixRename(_ source: String, _ destination: String) -> Int32 {
    #if canImport(Glibc)
    Glibc.rename(source, destination)
    #else
    Darwin.rename(source, destination)
    #endif
}
