extension ID3Tag {
    /// Total size of the ID3v2 tag at the start of `header` (header + body + footer), or nil if there is none.
    /// Needs the first 10 bytes.
    public static func leadingTagSize(_ header: [UInt8]) -> Int? {
        guard header.count >= 10, header[0] == 0x49, header[1] == 0x44, header[2] == 0x33, // "ID3"
              header[3] >= 2, header[3] < 0xFF, header[4] < 0xFF,
              header[6..<10].allSatisfy({ $0 < 0x80 }) else { return nil }
        let hasFooter = header[3] == 4 && header[5] & 0x10 != 0
        return 10 + syncsafeValue(header[6..<10]) + (hasFooter ? 10 : 0)
    }

    /// Parses a complete ID3v2.2/2.3/2.4 tag (as delimited by `leadingTagSize`). Unknown frames are skipped;
    /// a tag whose structure is broken throws `.invalidTag`.
    public static func parse(_ tag: [UInt8]) throws -> ID3Tag {
        var result = ID3Tag()
        for frame in try frames(of: tag).frames {
            guard let key = FrameKey(id: frame.id), let text = decodeText(frame.payload) else { continue }
            result.apply(key, text)
        }
        return result
    }

    /// Whether `id` is a frame this type reads (and so replaces on a rewrite), in any ID3v2 version.
    static func isKnownFrame(_ id: String) -> Bool { FrameKey(id: id) != nil }

    /// The tag's version and its frames, in order, with per-frame flags undone; compressed or encrypted frames are
    /// left out.
    static func frames(of tag: [UInt8]) throws -> (version: UInt8, frames: [(id: String, payload: [UInt8])]) {
        guard let size = leadingTagSize(tag), tag.count >= size else {
            throw AudioError.invalidTag("missing or incomplete ID3v2 header")
        }
        let version = tag[3]
        let flags = tag[5]
        let bodyEnd = 10 + syncsafeValue(tag[6..<10])
        var body = Array(tag[10..<bodyEnd])
        let tagUnsynchronised = flags & 0x80 != 0
        if tagUnsynchronised && version < 4 { body = removingUnsynchronisation(body) }

        var position = 0
        if flags & 0x40 != 0 && version >= 3 {           // extended header
            guard body.count >= 4 else { throw AudioError.invalidTag("truncated extended header") }
            position = version == 4 ? syncsafeValue(body[0..<4]) : bigEndian(body[0..<4]) + 4
        }

        var frames: [(id: String, payload: [UInt8])] = []
        let headerLength = version == 2 ? 6 : 10
        while position + headerLength <= body.count {
            let idLength = version == 2 ? 3 : 4
            let idBytes = body[position..<position + idLength]
            if idBytes.first == 0 { break }               // padding
            guard idBytes.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }) else {
                throw AudioError.invalidTag("bad frame id at offset \(position)")
            }
            let id = String(decoding: idBytes, as: UTF8.self)
            let sizeBytes = body[position + idLength..<position + idLength + (version == 2 ? 3 : 4)]
            let frameSize = version == 4 ? syncsafeValue(sizeBytes) : bigEndian(sizeBytes)
            let formatFlags: UInt8 = version == 2 ? 0 : body[position + 9]
            let start = position + headerLength
            guard frameSize >= 0, start + frameSize <= body.count else {
                throw AudioError.invalidTag("frame \(id) overruns the tag")
            }
            position = start + frameSize
            guard let payload = framePayload(body[start..<position], version: version, flags: formatFlags,
                                             tagUnsynchronised: tagUnsynchronised) else { continue }
            frames.append((id, payload))
        }
        return (version, frames)
    }

    private enum FrameKey {
        case title, artist, album, genre, year, track, albumArtist, disc
        init?(id: String) {
            switch id {
            case "TIT2", "TT2": self = .title
            case "TPE1", "TP1": self = .artist
            case "TALB", "TAL": self = .album
            case "TCON", "TCO": self = .genre
            case "TDRC", "TYER", "TYE", "TDOR", "TORY": self = .year
            case "TRCK", "TRK": self = .track
            case "TPE2", "TP2": self = .albumArtist
            case "TPOS", "TPA": self = .disc
            default: return nil
            }
        }
    }

    private mutating func apply(_ key: FrameKey, _ text: String) {
        let value = String(text.trimmingSpaces())
        guard !value.isEmpty else { return }
        switch key {
        case .title: title = value
        case .artist: artist = value
        case .album: album = value
        case .genre: genre = Self.genreName(value)
        case .year: year = year ?? Self.parseYear(value)
        case .track: trackNumber = Self.parseTrackNumber(value)
        case .albumArtist: albumArtist = value
        case .disc: discNumber = Self.parseTrackNumber(value)
        }
    }

    /// ID3v2.3 writes genres as "(17)" or "(17)Rock"; keep the text when there is some.
    static func genreName(_ value: String) -> String {
        guard value.hasPrefix("("), let close = value.firstIndex(of: ")") else { return value }
        let rest = value[value.index(after: close)...]
        return rest.isEmpty ? value : String(rest)
    }

    /// The frame's content after undoing per-frame flags; nil for compressed or encrypted frames.
    private static func framePayload(
        _ data: ArraySlice<UInt8>, version: UInt8, flags: UInt8, tagUnsynchronised: Bool
    ) -> [UInt8]? {
        var payload = Array(data)
        switch version {
        case 3:
            if flags & 0xC0 != 0 { return nil }                   // compressed or encrypted
            if flags & 0x20 != 0 { payload.removeFirst(min(1, payload.count)) }   // group id
        case 4:
            if flags & 0x0C != 0 { return nil }                   // compressed or encrypted
            if flags & 0x40 != 0 { payload.removeFirst(min(1, payload.count)) }   // group id
            if flags & 0x02 != 0 || tagUnsynchronised { payload = removingUnsynchronisation(payload) }
            if flags & 0x01 != 0 { payload.removeFirst(min(4, payload.count)) }   // data length indicator
        default:
            break
        }
        return payload
    }

    /// Decodes a text frame's first value: encoding byte, then ISO-8859-1, UTF-16 (BOM), UTF-16BE or UTF-8.
    static func decodeText(_ payload: [UInt8]) -> String? {
        guard let encoding = payload.first else { return nil }
        let bytes = payload.dropFirst()
        switch encoding {
        case 0:
            let value = bytes.prefix { $0 != 0 }
            return String(String.UnicodeScalarView(value.map { Unicode.Scalar($0) }))
        case 3:
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        case 1, 2:
            var units: [UInt16] = []
            var index = bytes.startIndex
            var isBigEndian = encoding == 2
            while index + 1 < bytes.endIndex {
                let pair = (bytes[index], bytes[index + 1])
                index += 2
                if pair == (0xFF, 0xFE) && units.isEmpty { isBigEndian = false; continue }
                if pair == (0xFE, 0xFF) && units.isEmpty { isBigEndian = true; continue }
                let unit = isBigEndian ? UInt16(pair.0) << 8 | UInt16(pair.1) : UInt16(pair.1) << 8 | UInt16(pair.0)
                if unit == 0 { break }
                units.append(unit)
            }
            return String(decoding: units, as: UTF16.self)
        default:
            return nil
        }
    }

    /// Undoes ID3 unsynchronisation: every 0xFF 0x00 becomes 0xFF.
    static func removingUnsynchronisation(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var previousWasFF = false
        for byte in bytes {
            if previousWasFF && byte == 0 {
                previousWasFF = false
                continue
            }
            result.append(byte)
            previousWasFF = byte == 0xFF
        }
        return result
    }

    private static func bigEndian<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.reduce(0) { ($0 << 8) | Int($1) }
    }
}
