import Foundation

/// `RandomTrackRepository` on one SQLite connection, with the library's visibility rule (`?1` is the viewer).
struct SQLiteRandomTrackRepository: RandomTrackRepository {
    let connection: SQLiteConnection

    func random(viewerID: UUID?, genre: String?, years: ClosedRange<Int>?, limit: Int) throws -> [Track] {
        var condition = SQLiteLibraryRepository.visible
        var bindings: [any SQLiteBindable] = [viewerID]
        if let genre {
            condition += " AND t.genre = ? COLLATE NOCASE"
            bindings.append(genre)
        }
        if let years {
            condition += " AND t.year BETWEEN ? AND ?"
            bindings += [years.lowerBound, years.upperBound]
        }
        return try connection.query(
            "SELECT \(SQLiteTrackRepository.columns) FROM tracks AS t WHERE \(condition) ORDER BY random() LIMIT ?",
            bindings + [max(limit, 0)], row: SQLiteTrackRepository.track)
    }
}
