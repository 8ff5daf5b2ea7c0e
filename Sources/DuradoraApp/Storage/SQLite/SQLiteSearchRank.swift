import CSQLite

/// `duradora_rank(tracks_fts, w1, w2, …)`: FTS5's bm25 without the inverse document frequency, registered on every
/// connection. Lower is better, as with bm25.
///
/// Why not bm25 itself: before ranking the first row, bm25 counts the rows that hold each search word by running a
/// whole query per word (`xQueryPhrase`), so a search for one common word and one rare one ("Tune 999", 11 hits
/// among 10 000 "Tune N" titles) pays for every row of the common word: 3 M of the 3.5 M instructions the search
/// costs with prefix indexes. The searches are AND queries — every hit holds every word — so that weight only
/// shifts how much each word's count matters within a hit, and with one word it is a constant factor: the order is
/// bm25's. What is kept costs per hit only: the words' counts per column, times the column weights, normalised by
/// the row's length against the average (k1 = 1.2, b = 0.75 as FTS5's bm25).
enum SQLiteSearchRank {
    static let name = "duradora_rank"

    /// Registers the function on `database` through FTS5's API (`SELECT fts5(?)` hands out its pointer).
    static func register(on database: OpaquePointer) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, "SELECT fts5(?1)", -1, &statement, nil) == SQLITE_OK else {
            throw SQLiteError(handle: database, resultCode: sqlite3_errcode(database), sql: "SELECT fts5(?1)")
        }
        defer { sqlite3_finalize(statement) }
        var api: UnsafeMutablePointer<fts5_api>?
        // The pointer type must outlive the statement: a static string, not a temporary C string.
        let pointerType = UnsafeRawPointer(StaticString("fts5_api_ptr").utf8Start).assumingMemoryBound(to: CChar.self)
        withUnsafeMutablePointer(to: &api) { slot in
            _ = sqlite3_bind_pointer(statement, 1, slot, pointerType, nil)
            _ = sqlite3_step(statement)
        }
        guard let api, let create = api.pointee.xCreateFunction,
              create(api, name, nil, rank, nil) == SQLITE_OK else {
            throw SQLiteError(code: SQLITE_ERROR, message: "FTS5 is missing: cannot register \(name)")
        }
    }

    private static let rank: fts5_extension_function = { api, context, result, argumentCount, arguments in
        guard let api = api?.pointee, let context,
              let phraseCount = api.xPhraseCount.map({ Int($0(context)) }), phraseCount > 0 else {
            sqlite3_result_double(result, 0)
            return
        }
        var rowCount: Int64 = 0
        var totalTokens: Int64 = 0
        var rowTokens: Int32 = 0
        var instances: Int32 = 0
        guard api.xRowCount?(context, &rowCount) == SQLITE_OK,
              api.xColumnTotalSize?(context, -1, &totalTokens) == SQLITE_OK,
              api.xColumnSize?(context, -1, &rowTokens) == SQLITE_OK,
              api.xInstCount?(context, &instances) == SQLITE_OK, let inst = api.xInst else {
            sqlite3_result_error(result, "\(name): cannot read the match", -1)
            return
        }
        let averageTokens = rowCount > 0 ? Double(totalTokens) / Double(rowCount) : 1
        let lengthFactor = 1.2 * (0.25 + 0.75 * Double(rowTokens) / max(averageTokens, 1))
        let score = withUnsafeTemporaryAllocation(of: Double.self, capacity: phraseCount) { weighted in
            weighted.initialize(repeating: 0)
            for index in 0..<instances {
                var phrase: Int32 = 0
                var column: Int32 = 0
                var offset: Int32 = 0
                guard inst(context, index, &phrase, &column, &offset) == SQLITE_OK, phrase < phraseCount else { continue }
                // Column weights are the arguments after the table (missing ones count 1, as for bm25).
                let weight = column < argumentCount ? sqlite3_value_double(arguments?[Int(column)]) : 1
                weighted[Int(phrase)] += weight
            }
            return weighted.reduce(0) { sum, frequency in sum + frequency * 2.2 / (frequency + lengthFactor) }
        }
        sqlite3_result_double(result, -score)
    }
}
