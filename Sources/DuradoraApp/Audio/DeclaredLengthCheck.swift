/// libsndfile quietly clamps a WAV or AIFF whose header declares more audio than the file holds, so a truncated
/// upload would decode "fine". This walks the RIFF/FORM chunks itself and compares the declared data length with
/// the bytes present. Streaming writers that leave the length unknown (0 or 0xFFFFFFFF) are accepted.
enum DeclaredLengthCheck {
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
}
