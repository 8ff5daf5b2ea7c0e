import Foundation

/// How tags group into artists and albums: the one rule, used on every write and by the migration.
///
/// Names compare trimmed, case-insensitively and in Unicode NFC, so "The Beatles", "the beatles " and a decomposed
/// "é" are one artist. An album is (album artist, else artist; album title): a compilation tagged with one album
/// artist is one album, two artists' albums of the same title stay two.
///
/// Ids are derived from those keys (SHA-256, laid out as a UUID v4) rather than drawn at random: the same tags give
/// the same id on every write, rescan, migration and rebuild, and a retag of an unrelated field cannot move a
/// track to another album. Navidrome derives its album ids the same way.
public enum LibraryKey {
    /// The comparison form of a name; nil for a missing or blank one.
    public static func normalized(_ name: String?) -> String? {
        guard let name else { return nil }
        if let ascii = asciiNormalized(name) { return ascii }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        // Lower-casing can leave a sequence that is no longer composed (e.g. a capital with a combining mark).
        return trimmed.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
    }

    /// The common case without Foundation: a plain ASCII name with nothing to trim is its own NFC form, and its
    /// lower case is byte by byte. Every song of a Subsonic page derives its album and artist ids from the tags
    /// (measured: ~60 000 instructions a name through the Unicode path, most of a 500-song page); nil when the
    /// name needs the full rule.
    private static func asciiNormalized(_ name: String) -> String? {
        var utf8 = Array(name.utf8)
        guard let first = utf8.first, let last = utf8.last, !isASCIISpace(first), !isASCIISpace(last) else { return nil }
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x80 else { return nil }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { utf8[index] = byte + 32 }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// The artist an album is filed under: album artist, else artist.
    public static func artistName(of metadata: TrackMetadata) -> String? {
        normalized(metadata.albumArtist) == nil ? metadata.artist : metadata.albumArtist
    }

    public static func artistID(of metadata: TrackMetadata) -> UUID? {
        normalized(artistName(of: metadata)).map { derivedID("artist", $0) }
    }

    /// nil for a track without an album title.
    public static func albumID(of metadata: TrackMetadata) -> UUID? {
        guard let album = normalized(metadata.album) else { return nil }
        return derivedID("album", normalized(artistName(of: metadata)) ?? "", album)
    }

    /// SHA-256 of the NUL-separated parts, with the version (4) and variant bits of a random UUID.
    static func derivedID(_ parts: String...) -> UUID {
        var digest = Sodium.sha256(Array(parts.joined(separator: "\u{0}").utf8))
        digest[6] = digest[6] & 0x0F | 0x40
        digest[8] = digest[8] & 0x3F | 0x80
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                           digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }
}
