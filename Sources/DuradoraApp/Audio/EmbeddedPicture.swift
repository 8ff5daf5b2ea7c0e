/// The cover picture stored inside an audio file: an ID3v2 APIC frame (the front cover if there are several) or a
/// FLAC PICTURE metadata block. Only read, in memory, within `ID3Tag.maximumReadableSize`.
enum EmbeddedPicture {
    /// The picture's bytes, or nil when the file has none (or is not a format that carries one here).
    static func read(fromFileAt path: String, format: AudioFormat) throws -> [UInt8]? {
        let file = try BinaryFile.openForReading(path)
        defer { file.close() }
        switch format {
        case .mp3: return try id3Picture(file)
        case .flac: return try flacPicture(file)
        default: return nil
        }
    }

    private static func id3Picture(_ file: BinaryFile) throws -> [UInt8]? {
        guard let size = ID3Tag.leadingTagSize(try file.read(at: 0, count: 10)), size <= ID3Tag.maximumReadableSize,
              let parsed = try? ID3Tag.frames(of: try file.read(at: 0, count: size))
        else { return nil }
        var first: [UInt8]?
        for frame in parsed.frames where frame.id == "APIC" {
            guard let (type, data) = apic(frame.payload), !data.isEmpty else { continue }
            if type == 3 { return data }  // 3: front cover
            first = first ?? data
        }
        return first
    }

    /// APIC: encoding, MIME type (Latin-1, NUL), picture type, description (NUL in the frame's encoding), data.
    private static func apic(_ payload: [UInt8]) -> (type: UInt8, data: [UInt8])? {
        guard let encoding = payload.first, let mimeEnd = payload.dropFirst().firstIndex(of: 0),
              mimeEnd + 1 < payload.count else { return nil }
        let type = payload[mimeEnd + 1]
        var index = mimeEnd + 2
        let isWide = encoding == 1 || encoding == 2
        while index < payload.count {
            if isWide {
                guard index + 1 < payload.count else { return nil }
                if payload[index] == 0 && payload[index + 1] == 0 { index += 2; break }
                index += 2
            } else {
                if payload[index] == 0 { index += 1; break }
                index += 1
            }
        }
        return index <= payload.count ? (type, Array(payload[index...])) : nil
    }

    /// "fLaC", then metadata blocks (1 byte last-flag and type, 3 bytes length); type 6 is PICTURE.
    private static func flacPicture(_ file: BinaryFile) throws -> [UInt8]? {
        guard try file.read(at: 0, count: 4) == Array("fLaC".utf8) else { return nil }
        var offset: Int64 = 4
        while true {
            let header = try file.read(at: offset, count: 4)
            guard header.count == 4 else { return nil }
            let length = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            if header[0] & 0x7F == 6 {
                guard length <= ID3Tag.maximumReadableSize else { return nil }
                return pictureBlock(try file.read(at: offset + 4, count: length))
            }
            if header[0] & 0x80 != 0 { return nil }
            offset += 4 + Int64(length)
        }
    }

    /// A FLAC PICTURE block (also what Ogg's METADATA_BLOCK_PICTURE carries): type, MIME, description, four
    /// dimensions, then the data, every length a 32-bit big-endian number.
    static func pictureBlock(_ block: [UInt8]) -> [UInt8]? {
        var index = 0
        func number() -> Int? {
            guard index + 4 <= block.count else { return nil }
            defer { index += 4 }
            return block[index..<index + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        guard number() != nil, let mimeLength = number() else { return nil }
        index += mimeLength
        guard let descriptionLength = number() else { return nil }
        index += descriptionLength + 16
        guard let dataLength = number(), index + dataLength <= block.count, dataLength > 0 else { return nil }
        return Array(block[index..<index + dataLength])
    }
}
