import DuradoraHTTP
import Foundation

extension UUID {
    /// `UUID(uuidString:)` without its `sscanf`: the same 36-character form (8-4-4-4-12 hex digits, either case),
    /// parsed from the bytes straight into the UUID's 16 (no array, no per-character state: a track read parses
    /// three ids, its path's and the row's). Every stream request and every row read parses ids; Foundation's was
    /// 2% of a seek.
    static func parse(_ text: some StringProtocol) -> UUID? {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ parse(utf8: $0) }) { return parsed }
        var copy = String(text)  // not contiguous (never for a native string)
        return copy.withUTF8 { parse(utf8: $0) }
    }

    static func parse(utf8: UnsafeBufferPointer<UInt8>) -> UUID? {
        let dash = UInt8(ascii: "-")
        guard utf8.count == 36, utf8[8] == dash, utf8[13] == dash, utf8[18] == dash, utf8[23] == dash else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &bytes) { buffer in
            var position = 0
            for index in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
                guard let high = utf8[position].hexDigitValue, let low = utf8[position + 1].hexDigitValue else {
                    return false
                }
                buffer[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return parsed ? UUID(uuid: bytes) : nil
    }
}
