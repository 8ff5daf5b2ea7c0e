extension ID3Tag {
    /// Length in bytes of the ID3v2 tag(s) at the start of a file: where the audio data begins. 0 if untagged.
    /// Stacked tags (a tag directly followed by another) are counted together.
    static func leadingTagsLength(of file: BinaryFile) throws -> Int64 {
        let fileSize = try file.size()
        var offset: Int64 = 0
        while let size = leadingTagSize(try file.read(at: offset, count: 10)), offset + Int64(size) <= fileSize {
            offset += Int64(size)
        }
        return offset
    }

    /// The largest tag `read(fromFileAt:)` loads. Tags are parsed in memory; beyond this they are cover art or an
    /// attack, and holding them is not worth a title.
    public static let maximumReadableSize = 16 << 20

    /// The frames of the file's leading ID3v2.3/2.4 tag that this type does not write; ID3v2.2 frames (three-letter
    /// ids, another layout) and a tag too large or broken to parse are dropped.
    static func otherFrames(of file: BinaryFile) throws -> [(id: String, payload: [UInt8])] {
        guard let size = leadingTagSize(try file.read(at: 0, count: 10)), size <= maximumReadableSize else { return [] }
        guard let parsed = try? frames(of: try file.read(at: 0, count: size)), parsed.version >= 3 else { return [] }
        return parsed.frames.filter { !isKnownFrame($0.id) }
    }

    /// Reads the leading ID3v2 tag of a file; nil when the file has none.
    public static func read(fromFileAt path: String) throws -> ID3Tag? {
        try leadingTagBytes(ofFileAt: path).map(parse)
    }

    /// The bytes of the file's leading ID3v2 tag (header included); nil when it has none.
    static func leadingTagBytes(ofFileAt path: String) throws -> [UInt8]? {
        let file = try BinaryFile.openForReading(path)
        defer { file.close() }
        guard let size = leadingTagSize(try file.read(at: 0, count: 10)) else { return nil }
        guard size <= maximumReadableSize else { throw AudioError.invalidTag("\(size)-byte tag is too large to read") }
        let bytes = try file.read(at: 0, count: size)
        guard bytes.count == size else { throw AudioError.invalidTag("tag runs past the end of \(path)") }
        return bytes
    }

    /// Replaces the leading ID3v2 tag of the MP3 at `path` with `tag` (or strips it when `tag` is nil or empty)
    /// without touching the audio bytes. Frames this type does not know (cover pictures, comments, lyrics, …) are
    /// kept as they were. Atomic: writes a sibling temp file, fsyncs it, renames it over `path`.
    public static func rewrite(_ tag: ID3Tag?, inFileAt path: String) throws {
        let source = try BinaryFile.openForReading(path)
        defer { source.close() }
        let audioStart = try leadingTagsLength(of: source)
        let kept = try otherFrames(of: source)
        let temporaryPath = BinaryFile.temporarySibling(of: path)
        var isCommitted = false
        defer { if !isCommitted { BinaryFile.removeItem(at: temporaryPath) } }

        let output = try BinaryFile.create(temporaryPath)
        defer { output.close() }
        let replacement = tag ?? ID3Tag()
        if !replacement.isEmpty || !kept.isEmpty { try output.write(replacement.encoded(otherFrames: kept)) }
        try source.seek(to: audioStart)
        try output.copyRemainder(of: source)
        try output.sync()
        output.close()
        try BinaryFile.rename(temporaryPath, to: path)
        isCommitted = true
        try BinaryFile.syncDirectory(containing: path)
    }
}
