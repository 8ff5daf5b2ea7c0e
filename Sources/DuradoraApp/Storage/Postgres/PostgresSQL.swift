/// Statement text helpers. Values never go into the text: only placeholders do.
enum PostgresSQL {
    /// `sql` with SQLite's placeholders in PostgreSQL's spelling, numbered as SQLite numbers them: `?NNN` is
    /// `$NNN`, and each bare `?` is one more than the largest number so far. So the statements the
    /// repositories write once (`SQLSession`), or assemble from optional conditions, run here unchanged; a text
    /// already in `$n` form passes through. Our statements hold no `?` of their own (no JSON operators, no `?` in
    /// literals).
    static func numbered(_ sql: String) -> String {
        guard sql.utf8.contains(UInt8(ascii: "?")) else { return sql }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var largest = 0
        var characters = sql.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            guard character == "?" else {
                result.append(character)
                continue
            }
            var digits = ""
            while let digit = pending, digit.isASCII, digit.isNumber {
                digits.append(digit)
                pending = characters.next()
            }
            let number = Int(digits) ?? largest + 1
            largest = max(largest, number)
            result += "$\(number)"
        }
        return result
    }
}
