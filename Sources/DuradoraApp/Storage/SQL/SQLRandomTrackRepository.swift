import Foundation

/// `RandomTrackRepository` on one connection of either backend, with the library's visibility rule (`?1` is the
/// viewer).
struct SQLRandomTrackRepository<Session: SQLSession>: RandomTrackRepository {
    let connection: Session

    @_specialize(where Session == SQLiteConnection)
    func random(viewerID: UUID?, genre: String?, years: ClosedRange<Int>?, limit: Int) throws -> [Track] {
        let dialect = Session.dialect
        var condition = LibraryStatements.of(dialect).visible
        var values: [any SQLBindable] = [viewerID]
        if let genre {
            condition += " AND \(dialect.equalsIgnoringCase("t.genre", "?"))"
            values.append(genre)
        }
        if let years {
            condition += " AND t.year BETWEEN ? AND ?"
            values += [years.lowerBound, years.upperBound]
        }
        return try connection.query(
            "SELECT \(TrackColumn.selectList) FROM tracks AS t WHERE \(condition) ORDER BY random() LIMIT ?",
            values + [max(limit, 0)]) { try TrackColumn.track($0) }
    }
}
