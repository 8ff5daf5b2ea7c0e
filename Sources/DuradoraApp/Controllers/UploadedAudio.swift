import Foundation

/// A request body received into a temporary file under `uploads/incoming/`. Whoever holds it last removes it
/// (`discard()`), unless it is kept as the original.
public struct UploadedAudio: Sendable {
    public let path: String
    /// The client's file name (multipart `filename`), untrusted: only used to derive a title.
    public let filename: String?

    public init(path: String, filename: String?) {
        self.path = path
        self.filename = filename
    }

    public func discard() {
        StagedAudioFile.remove(path)
    }

    /// "Artist - Song.flac" → "Artist - Song"; nil for no name, a bare extension or a name that is all path.
    var titleFromFilename: String? {
        guard let filename else { return nil }
        let base = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let stem = base.lastIndex(of: ".").map { String(base[..<$0]) } ?? base
        let trimmed = stem.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : String(trimmed.prefix(TrackChanges.maxTextLength))
    }
}
