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
    func spellLowercased(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeBytes(of: uuid) { raw in
            var position = 0
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                buffer[position] = UInt8.lowercaseHexDigit(byte >> 4)
                buffer[position + 1] = UInt8.lowercaseHexDigit(byte & 0xF)
                position += 2
            }
        }
    }
}
