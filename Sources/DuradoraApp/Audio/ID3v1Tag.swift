/// The 128-byte ID3v1(.1) tag at the end of old MP3s: only read, as the fallback when a file has no ID3v2 tag.
enum ID3v1Tag {
    /// The tag of the file, or nil when its last 128 bytes are not one.
    static func read(from file: BinaryFile) throws -> ID3Tag? {
        let size = try file.size()
        guard size >= 128 else { return nil }
        let bytes = try file.read(at: size - 128, count: 128)
        guard bytes.count == 128, bytes[0] == 0x54, bytes[1] == 0x41, bytes[2] == 0x47 else { return nil }  // "TAG"
        func text(_ range: Range<Int>) -> String? {
            // ISO-8859-1, NUL- or space-padded.
            let raw = bytes[range].prefix { $0 != 0 }
            let value = String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) })).trimmingSpaces()
            return value.isEmpty ? nil : String(value)
        }
        // ID3v1.1: a zero byte before the comment's last byte makes that byte the track number.
        let track = bytes[125] == 0 && bytes[126] != 0 ? Int(bytes[126]) : nil
        return ID3Tag(title: text(3..<33), artist: text(33..<63), album: text(63..<93),
                      year: text(93..<97).flatMap(ID3Tag.parseYear), trackNumber: track)
    }
}
