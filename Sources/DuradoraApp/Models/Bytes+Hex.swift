extension Sequence<UInt8> {
    /// Two lowercase hex digits per byte: digests in file names (covers), fingerprints (web assets) and Subsonic's
    /// md5 token, which is compared on every token-authenticated request (hence a table, not `String(format:)`).
    var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
