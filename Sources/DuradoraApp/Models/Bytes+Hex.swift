extension Sequence<UInt8> {
    /// Two lowercase hex digits per byte: digests in file names (covers), fingerprints (web assets) and Subsonic's
    /// md5 token, which is compared on every token-authenticated request (hence a table, not `String(format:)`).
    var lowercaseHex: String {
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(UInt8.lowercaseHexDigit(byte >> 4))
            text.append(UInt8.lowercaseHexDigit(byte & 0x0f))
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension UInt8 {
    /// The ASCII digit of a nibble (0…15), lowercase: for digests, ids (`UUID.lowercasedString`) and JSON's `\u00XX`.
    static func lowercaseHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
