import Foundation

/// The last step of storing audio: a finished file written under a temporary name next to its destination is
/// renamed over it and the directory fsynced, so readers see either the old file or the complete new one.
/// Temporary names carry a marker, so a start-up sweep can remove what a crash left behind.
public enum StagedAudioFile {
    /// A temporary path next to `destination` (same directory, so the final rename cannot cross file systems).
    public static func temporaryPath(for destination: String) -> String {
        BinaryFile.temporarySibling(of: destination)
    }

    /// True for names made by `temporaryPath(for:)` (also used by tag rewrites): safe to delete at start-up.
    public static func isTemporary(fileName: String) -> Bool {
        fileName.contains(BinaryFile.temporaryMarker)
    }

    /// Renames the finished (already fsynced) `temporaryPath` over `destination` and makes the rename durable.
    /// On failure the temporary file is removed; `destination` keeps its previous content, if any.
    public static func commit(_ temporaryPath: String, to destination: String) throws {
        do {
            try BinaryFile.rename(temporaryPath, to: destination)
        } catch {
            BinaryFile.removeItem(at: temporaryPath)
            throw error
        }
        // The data is already on disk; this makes the directory entry so. A failure here leaves the complete new
        // file in place, which is the best state to be in, so it is reported but not undone.
        try BinaryFile.syncDirectory(containing: destination)
    }

    /// Removes a file if it exists (a temporary file the caller gives up on, a stored file being deleted).
    public static func remove(_ path: String) {
        BinaryFile.removeItem(at: path)
    }

    /// Removes every temporary file under `root` (recursively) and returns how many there were. Meant for start-up,
    /// before any transcode runs: the files a crash or a kill left behind. Unreadable directories are skipped.
    @discardableResult
    public static func removeTemporaryFiles(under root: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return 0 }
        var removed = 0
        while let relativePath = walker.nextObject() as? String {
            let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
            guard isTemporary(fileName: name) else { continue }
            let path = root.hasSuffix("/") ? root + relativePath : root + "/" + relativePath
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            BinaryFile.removeItem(at: path)
            removed += 1
        }
        return removed
    }
}
