/// The percent-encoding S3 signs and expects: every byte of the UTF-8 form except `A-Z a-z 0-9 - . _ ~` becomes
/// `%XY` (upper-case hex), spaces included (never `+`). Object keys keep their `/`; query names and values do not.
/// Foundation's `addingPercentEncoding` is not used: its allowed sets leave `$`, `+`, `=`, `:` … alone, and a key
/// spelled one way on the wire and another in the signature answers 403.
enum S3URIEncoding {
    static func encode(_ text: String, keepingSlash: Bool) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.append(byte)
            case UInt8(ascii: "/") where keepingSlash:
                encoded.append(byte)
            default:
                encoded += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}
