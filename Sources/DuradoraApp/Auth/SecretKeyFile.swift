import Foundation

/// The server's secret key (libsodium secretbox, 32 bytes) in a file of its own, outside the database: a copied
/// database alone then holds no usable app password. Created at first start, mode 0600, never logged.
enum SecretKeyFile {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// The key at `path`; when there is no file, a new random key written there first. Written to a temporary
    /// file and linked into place, so a crash never leaves a short key file, and two servers starting together
    /// end up with the same key (the second `link` fails and reads the first one's).
    static func loadOrCreate(at path: String) throws -> [UInt8] {
        if let key = try read(path) { return key }
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = Sodium.randomBytes(count: Sodium.secretBoxKeyCount)
        let temporary = path + ".\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Problem(description: "cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == key.count, synced else { throw Problem(description: "cannot write the secret key file \(path)") }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST, let key = try read(path) { return key }
            throw Problem(description: "cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }

    private static func read(_ path: String) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read the secret key file \(path)")
        }
        guard data.count == Sodium.secretBoxKeyCount else {
            throw Problem(description: "the secret key file \(path) holds \(data.count) bytes, not \(Sodium.secretBoxKeyCount)")
        }
        return Array(data)
    }
}
