/// The cover picture stored inside an audio file: an ID3v2 APIC frame (the front cover if there are several), a
/// FLAC PICTURE metadata block, or Ogg's METADATA_BLOCK_PICTURE comment. Only read, in memory, within
/// `ID3Tag.maximumReadableSize`.
enum EmbeddedPicture {
    /// The picture's bytes, or nil when the file has none (or is not a format that carries one here). Without
    /// `format` (an upload has no trustworthy name), the file's first bytes tell.
    static func read(fromFileAt path: String, format: AudioFormat? = nil) throws -> [UInt8]? {
        let file = try BinaryFile.openForReading(path)
        defer { file.close() }
        guard let format = try format ?? sniffedFormat(file) else { return nil }
        switch format {
        case .mp3: return try id3Picture(file)
        case .flac: return try VorbisComments.flacBlock(6, in: file).flatMap(pictureBlock)
        case .ogg, .opus: return try VorbisComments.read(fromFileAt: path, format: format)?.picture
        default: return nil
        }
    }

    /// The container by its magic bytes: an ID3v2 tag (MP3), "fLaC", or an Ogg page; nil for anything else.
    private static func sniffedFormat(_ file: BinaryFile) throws -> AudioFormat? {
        let magic = try file.read(at: 0, count: 4)
        if magic.starts(with: Array("ID3".utf8)) { return .mp3 }
        if magic == Array("fLaC".utf8) { return .flac }
        if magic == Array("OggS".utf8) { return .ogg }
        return nil
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
