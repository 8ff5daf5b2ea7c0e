/// The metadata Duradora keeps in an MP3's ID3v2 tag. Written as ID3v2.4 with UTF-8 text frames;
/// read back from ID3v2.2, 2.3 and 2.4 (see `ID3Tag+Parsing.swift`, and `ID3Tag+File.swift` for files).
public struct ID3Tag: Sendable, Hashable {
    public var title: String?
    public var artist: String?
    public var album: String?
    public var genre: String?
    public var year: Int?
    public var trackNumber: Int?
    /// TPE2: the artist an album is filed under (compilations: "Various Artists"); nil means `artist`.
    public var albumArtist: String?
    /// TPOS: which disc of a multi-disc album.
    public var discNumber: Int?

    public init(
        title: String? = nil, artist: String? = nil, album: String? = nil, genre: String? = nil,
        year: Int? = nil, trackNumber: Int? = nil, albumArtist: String? = nil, discNumber: Int? = nil
    ) {
        self.title = title
        self.artist = artist
        self.album = album
        self.genre = genre
        self.year = year
        self.trackNumber = trackNumber
        self.albumArtist = albumArtist
        self.discNumber = discNumber
    }

    public var isEmpty: Bool {
        self == ID3Tag()
    }

    /// The text frames this tag writes, in order, skipping empty values.
    var textFrames: [(id: String, text: String)] {
        var frames: [(String, String)] = []
        func add(_ id: String, _ value: String?) {
            // NUL separates multiple values in ID3v2.4 text frames; a single value must not contain one.
            guard let value = value?.replacingNUL(), !value.isEmpty else { return }
            frames.append((id, value))
        }
        add("TIT2", title)
        add("TPE1", artist)
        add("TALB", album)
        add("TCON", genre)
        // Only values the parser reads back: a four-digit year and a positive track number.
        add("TDRC", year.flatMap { (1000...9999).contains($0) ? String($0) : nil })
        add("TRCK", trackNumber.flatMap { $0 > 0 ? String($0) : nil })
        add("TPE2", albumArtist)
        add("TPOS", discNumber.flatMap { $0 > 0 ? String($0) : nil })
        return frames
    }

    /// The complete ID3v2.4 tag: 10-byte header, frames (ours, then `otherFrames` as they are: pictures,
    /// comments, … a rewrite keeps), then `padding` zero bytes.
    public func encoded(padding: Int = 0, otherFrames: [(id: String, payload: [UInt8])] = []) -> [UInt8] {
        var body: [UInt8] = []
        let ours = textFrames.map { (id: $0.id, payload: [3] + Array($0.text.utf8)) }   // encoding 3 = UTF-8
        for frame in ours + otherFrames {
            body += Array(frame.id.utf8)
            body += Self.syncsafeBytes(frame.payload.count)
            body += [0, 0]                                // no frame flags
            body += frame.payload
        }
        body += [UInt8](repeating: 0, count: max(0, padding))
        return Array("ID3".utf8) + [4, 0, 0] + Self.syncsafeBytes(body.count) + body
    }

    // MARK: - Helpers shared with parsing

    static func syncsafeBytes(_ value: Int) -> [UInt8] {
        precondition(value >= 0 && value < 1 << 28, "ID3 size out of range")
        return [UInt8((value >> 21) & 0x7F), UInt8((value >> 14) & 0x7F), UInt8((value >> 7) & 0x7F), UInt8(value & 0x7F)]
    }

    static func syncsafeValue<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.reduce(0) { ($0 << 7) | Int($1 & 0x7F) }
    }

    /// "2019", "2019-05-01", "2019-05-01T10:00" → 2019.
    static func parseYear(_ text: String) -> Int? {
        let digits = text.trimmingSpaces().prefix(4)
        guard digits.count == 4, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    /// "3", "3/12", " 03 " → 3.
    static func parseTrackNumber(_ text: String) -> Int? {
        let number = text.trimmingSpaces().prefix { $0 != "/" }
        guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(number)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func replacingNUL() -> String {
        String(unicodeScalars.filter { $0 != "\0" })
    }

    func trimmingSpaces() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
        return start < end ? self[start..<end] : ""
    }
}
