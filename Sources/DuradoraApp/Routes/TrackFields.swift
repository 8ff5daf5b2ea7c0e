import Foundation

/// Validation of track metadata as clients send it: text fields of a multipart upload (or the query of a raw
/// upload) and the JSON of a PATCH. Empty text means "not given"; a bad value is 422 naming the field.
enum TrackFields {
    static let textFields = ["title", "artist", "album", "genre"]

    /// Metadata and visibility from form fields (all strings).
    static func parse(_ fields: [String: String]) throws(APIError) -> (TrackMetadata, Visibility?) {
        var metadata = TrackMetadata()
        metadata.title = try text(fields["title"], "title")
        metadata.artist = try text(fields["artist"], "artist")
        metadata.album = try text(fields["album"], "album")
        metadata.genre = try text(fields["genre"], "genre")
        metadata.year = try number(fields["year"], "year")
        metadata.trackNumber = try number(fields["track_number"], "track_number")
        metadata.albumArtist = try text(fields["album_artist"], "album_artist")
        metadata.discNumber = try number(fields["disc_number"], "disc_number")
        try checkRanges(year: metadata.year, trackNumber: metadata.trackNumber)
        try checkDisc(metadata.discNumber)
        let visibility = try fields["visibility"].flatMap { value throws(APIError) -> Visibility? in
            value.isEmpty ? nil : try self.visibility(value)
        }
        return (metadata, visibility)
    }

    /// A PATCH body: absent fields stay, null (or an empty string) clears them.
    static func changes(_ body: JSONBody) throws(APIError) -> TrackChanges {
        var changes = TrackChanges()
        func textChange(_ name: String) throws(APIError) -> String?? {
            guard body.contains(name) else { return nil }
            return .some(try text(try body.string(name), name))
        }
        changes.title = try textChange("title")
        changes.artist = try textChange("artist")
        changes.album = try textChange("album")
        changes.genre = try textChange("genre")
        if body.contains("year") { changes.year = .some(try body.integer("year")) }
        if body.contains("track_number") { changes.trackNumber = .some(try body.integer("track_number")) }
        changes.albumArtist = try textChange("album_artist")
        if body.contains("disc_number") { changes.discNumber = .some(try body.integer("disc_number")) }
        try checkRanges(year: changes.year ?? nil, trackNumber: changes.trackNumber ?? nil)
        try checkDisc(changes.discNumber ?? nil)
        if let value = try body.string("visibility") { changes.visibility = try visibility(value) }
        return changes
    }

    private static func text(_ value: String?, _ name: String) throws(APIError) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.count <= TrackChanges.maxTextLength else {
            throw .invalidField(name, "must be at most \(TrackChanges.maxTextLength) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidField(name, "must not contain control characters")
        }
        return trimmed
    }

    private static func number(_ value: String?, _ name: String) throws(APIError) -> Int? {
        guard let value, !value.isEmpty else { return nil }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidField(name, "must be a whole number")
        }
        return number
    }

    /// The ranges ID3 tags can carry and read back (see `ID3Tag.textFrames`).
    private static func checkRanges(year: Int?, trackNumber: Int?) throws(APIError) {
        if let year, !(1000...9999).contains(year) { throw .invalidField("year", "must be a four-digit year") }
        if let trackNumber, !(1...9999).contains(trackNumber) {
            throw .invalidField("track_number", "must be between 1 and 9999")
        }
    }

    private static func checkDisc(_ disc: Int?) throws(APIError) {
        if let disc, !(1...999).contains(disc) { throw .invalidField("disc_number", "must be between 1 and 999") }
    }

    private static func visibility(_ value: String) throws(APIError) -> Visibility {
        guard let visibility = Visibility(rawValue: value) else {
            throw .invalidField("visibility", "must be \"public\", \"link\" or \"private\"")
        }
        return visibility
    }
}
