import Foundation

extension UUID {
    /// The length of `lowercasedString`: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    static let textLength = 36

    /// The id as every client sees it and the database stores it: lowercase hex in the 8-4-4-4-12 form. Without
    /// Foundation's `uuidString` (which goes through `snprintf`) and the `lowercased()` copy after it: every row
    /// read binds an id, and every track shown spells four (callgrind: 4 % of a track read).
    var lowercasedString: String {
        String(unsafeUninitializedCapacity: Self.textLength) { buffer in
            spellLowercased(into: buffer)
            return Self.textLength
        }
    }

    /// Writes the `textLength` characters of `lowercasedString` into `buffer` (which holds exactly that many).
    /// Through raw pointers and a digit table: the version that walked `enumerated()` bytes cost about 1 000
    /// instructions an id (callgrind), and a track's JSON spells four.
    func spellLowercased(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        precondition(buffer.count >= Self.textLength)
        let output = buffer.baseAddress!
        let digits = Self.hexDigits.utf8Start
        withUnsafeBytes(of: uuid) { raw in
            var position = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    output[position] = UInt8(ascii: "-")
                    position += 1
                }
                let byte = raw.load(fromByteOffset: index, as: UInt8.self)
                output[position] = digits[Int(byte >> 4)]
                output[position + 1] = digits[Int(byte & 0xF)]
                position += 2
            }
        }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"
}
