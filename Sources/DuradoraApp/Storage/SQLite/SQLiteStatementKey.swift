/// The statement cache's key: the SQL text, hashed by its length and its last 64 bytes only. A track's SELECT is
/// some 700 bytes, and hashing all of it on every query was a few thousand instructions of each track read
/// (callgrind). The whole text still decides equality (a string kept in a `static let` is compared by its storage
/// first), so two statements sharing a tail only share a bucket.
struct SQLiteStatementKey: Hashable {
    let sql: String

    func hash(into hasher: inout Hasher) {
        hasher.combine(sql.utf8.count)
        let hashed: Void? = sql.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.suffix(64))))
        }
        if hashed == nil { hasher.combine(sql) }  // not a native string (never on Linux): all of it
    }

    static func == (left: Self, right: Self) -> Bool { left.sql == right.sql }
}
