import Foundation

/// The working area of one instance — request bodies being received and files being encoded, in `incoming/` —
/// and where track audio lived before versions had keys (`TrackAudioStore`): `ab/cd/<id>.mp3` (the id's first two
/// pairs of hex digits fan the files out over directories), originals beside them. Those older files are read
/// and removed, never written.
/// Every temporary name carries `StagedAudioFile`'s marker, so the start-up sweep finds what a crash left.
public struct TrackFiles: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func audioPath(for id: UUID) -> String {
        directory(for: id) + "/" + id.lowercasedString + ".mp3"
    }

    /// The upload as received, kept only with `audio.keep_originals`.
    public func originalPath(for id: UUID) -> String {
        directory(for: id) + "/" + id.lowercasedString + ".original"
    }

    public var incomingDirectory: String { root + "/incoming" }

    /// A fresh temporary path for a request body being received.
    public func makeIncomingPath() throws -> String {
        try FileManager.default.createDirectory(atPath: incomingDirectory, withIntermediateDirectories: true)
        return StagedAudioFile.temporaryPath(for: incomingDirectory + "/" + UUID().lowercasedString + ".upload")
    }

    /// A fresh temporary path for a file of track `id` being written (an encode, a tag edit) before it is stored.
    /// Beside the received bodies, on the same file system as the folder store, so storing it is a rename.
    public func makeStagingPath(for id: UUID) throws -> String {
        try FileManager.default.createDirectory(atPath: incomingDirectory, withIntermediateDirectories: true)
        return StagedAudioFile.temporaryPath(for: incomingDirectory + "/" + id.lowercasedString + ".mp3")
    }

    /// Removes the track's audio and original, if any.
    public func removeFiles(of id: UUID) {
        StagedAudioFile.remove(audioPath(for: id))
        StagedAudioFile.remove(originalPath(for: id))
    }

    /// Every regular file under `root` (tests check that failures leave nothing behind).
    public func allFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    private func directory(for id: UUID) -> String {
        root + "/" + Self.fanOut(of: id)
    }

    /// `ab/cd` for an id starting `abcd`: the two directory levels (or key prefixes, `TrackObjectKey`) a track's
    /// files go under, so no directory holds more than a few hundred of a large library's files.
    static func fanOut(of id: UUID) -> String {
        let hex = id.lowercasedString
        return hex.prefix(2) + "/" + hex.dropFirst(2).prefix(2)
    }

    static func size(of path: String) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }
}
