/// libsndfile quietly clamps a WAV or AIFF whose header declares more audio than the file holds, and decodes a cut-off
/// Ogg file as a shorter one, so a truncated upload would decode "fine". These checks look at the container itself.
enum DeclaredLengthCheck {
    /// Walks the RIFF/FORM chunks and compares the declared data length with the bytes present. Streaming writers
    /// that leave the length unknown (0 or 0xFFFFFFFF) are accepted.
    static func verify(_ path: String) throws {
        let file = try BinaryFile.openForReading(path)
        defer { file.close() }
        let fileSize = try file.size()
        let header = try file.read(at: 0, count: 12)
        guard header.count == 12 else { return }
        let form = String(decoding: header[0..<4], as: UTF8.self)
        let kind = String(decoding: header[8..<12], as: UTF8.self)
        let isRIFF = form == "RIFF" && kind == "WAVE"
        let isAIFF = form == "FORM" && (kind == "AIFF" || kind == "AIFC")
        guard isRIFF || isAIFF else { return }
        let dataID = isRIFF ? "data" : "SSND"

        var offset: Int64 = 12
        while offset + 8 <= fileSize {
            let chunk = try file.read(at: offset, count: 8)
            guard chunk.count == 8 else { return }
            let id = String(decoding: chunk[0..<4], as: UTF8.self)
            let sizeBytes = chunk[4..<8]
            let size = Int64(isRIFF ? sizeBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
                                    : sizeBytes.reduce(0) { $0 << 8 | Int($1) })
            let available = fileSize - offset - 8
            if id == dataID {
                guard size != 0, size != 0xFFFF_FFFF, size > available else { return }
                throw AudioError.truncated("\(id) chunk declares \(size) bytes, the file holds \(available)")
            }
            offset += 8 + size + (size & 1)   // chunks are padded to even sizes
        }
    }

    /// An Ogg file ends with a complete page carrying the end-of-stream flag; a cut-off upload ends mid-page or
    /// on a page without it. Finds the last page that ends exactly at the end of the file and checks its flag.
    static func verifyOggEnd(_ path: String) throws {
        let file = try BinaryFile.openForReading(path)
        defer { file.close() }
        let fileSize = try file.size()
        let maximumPage = 27 + 255 + 255 * 255
        let tailStart = max(0, fileSize - Int64(maximumPage))
        let tail = try file.read(at: tailStart, count: Int(fileSize - tailStart))
        var position = tail.count - 27
        while position >= 0 {
            if tail[position] == 0x4F, tail[position + 1] == 0x67, tail[position + 2] == 0x67, tail[position + 3] == 0x53,
               let end = oggPageEnd(tail, at: position), end == tail.count {
                guard tail[position + 5] & 0x04 != 0 else {
                    throw AudioError.truncated("the Ogg stream stops without its end-of-stream page")
                }
                return
            }
            position -= 1
        }
        throw AudioError.truncated("the Ogg file ends inside a page")
    }

    /// Where the Ogg page starting at `start` ends: 27-byte header, segment table, then the segments.
    private static func oggPageEnd(_ bytes: [UInt8], at start: Int) -> Int? {
        guard start + 27 <= bytes.count else { return nil }
        let segments = Int(bytes[start + 26])
        let tableEnd = start + 27 + segments
        guard tableEnd <= bytes.count else { return nil }
        return tableEnd + bytes[start + 27..<tableEnd].reduce(0) { $0 + Int($1) }
    }
}
