import Foundation

/// Vorbis comments ("KEY=value", as FLAC, Ogg Vorbis and Opus carry their tags), read by our own small parser for
/// what libsndfile's string API leaves out: ALBUMARTIST, DISCNUMBER and the METADATA_BLOCK_PICTURE cover.
struct VorbisComments {
    /// Upper-cased keys; the first value of each.
    private(set) var values: [String: String] = [:]

    subscript(key: String) -> String? { values[key] }

    /// The file's comments, or nil when the file is not FLAC or Ogg, or has none.
    static func read(fromFileAt path: String, format: AudioFormat) throws -> VorbisComments? {
        let file = try BinaryFile.openForReading(path)
        defer { file.close() }
        switch format {
        case .flac: return try flacBlock(4, in: file).flatMap { parse($0) }
        case .ogg, .opus: return try oggCommentPacket(file).flatMap(parse)
        default: return nil
        }
    }

    /// "vendor length, vendor, count, then length + KEY=value each", lengths 32-bit little-endian.
    static func parse(_ bytes: [UInt8]) -> VorbisComments? {
        var index = 0
        func number() -> Int? {
            guard index + 4 <= bytes.count else { return nil }
            defer { index += 4 }
            return bytes[index..<index + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
        }
        guard let vendor = number() else { return nil }
        index += vendor
        guard let count = number() else { return nil }
        var comments = VorbisComments()
        for _ in 0..<count {
            guard let length = number(), index + length <= bytes.count else { break }
            let entry = bytes[index..<index + length]
            index += length
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = String(decoding: entry[entry.startIndex..<equals], as: UTF8.self).uppercased()
            if comments.values[key] == nil {
                comments.values[key] = String(decoding: entry[(equals + 1)...], as: UTF8.self)
            }
        }
        return comments
    }

    /// The picture of METADATA_BLOCK_PICTURE (base64 of a FLAC PICTURE block).
    var picture: [UInt8]? {
        guard let text = values["METADATA_BLOCK_PICTURE"], let data = Data(base64Encoded: text) else { return nil }
        return EmbeddedPicture.pictureBlock(Array(data))
    }

    /// The body of the first FLAC metadata block of `type` (4: VORBIS_COMMENT, 6: PICTURE).
    static func flacBlock(_ type: UInt8, in file: BinaryFile) throws -> [UInt8]? {
        guard try file.read(at: 0, count: 4) == Array("fLaC".utf8) else { return nil }
        var offset: Int64 = 4
        while true {
            let header = try file.read(at: offset, count: 4)
            guard header.count == 4 else { return nil }
            let length = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            if header[0] & 0x7F == type {
                return length <= ID3Tag.maximumReadableSize ? try file.read(at: offset + 4, count: length) : nil
            }
            if header[0] & 0x80 != 0 { return nil }
            offset += 4 + Int64(length)
        }
    }

    /// The second packet of the first logical stream (the comment header), without its "\u{3}vorbis" or
    /// "OpusTags" signature. Reassembled from its pages' segments, within `ID3Tag.maximumReadableSize`.
    private static func oggCommentPacket(_ file: BinaryFile) throws -> [UInt8]? {
        var offset: Int64 = 0
        var packets: [[UInt8]] = []
        var current: [UInt8] = []
        while packets.count < 2 {
            let header = try file.read(at: offset, count: 27)
            guard header.count == 27, header.starts(with: Array("OggS".utf8)) else { return nil }
            let segments = try file.read(at: offset + 27, count: Int(header[26]))
            var position = offset + 27 + Int64(segments.count)
            for lacing in segments {
                current += try file.read(at: position, count: Int(lacing))
                position += Int64(lacing)
                guard current.count <= ID3Tag.maximumReadableSize else { return nil }
                if lacing < 255 {
                    packets.append(current)
                    current = []
                    if packets.count == 2 { break }
                }
            }
            offset = position
        }
        let packet = packets[1]
        for signature in [[3] + Array("vorbis".utf8), Array("OpusTags".utf8)] where packet.starts(with: signature) {
            return Array(packet.dropFirst(signature.count))
        }
        return nil
    }
}
