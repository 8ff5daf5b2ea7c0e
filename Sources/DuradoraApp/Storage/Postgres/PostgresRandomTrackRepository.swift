import Foundation

/// `RandomTrackRepository` on one PostgreSQL connection, with the library's visibility rule (`$1` is the viewer).
struct PostgresRandomTrackRepository: RandomTrackRepository {
    let connection: PostgresConnection

    func random(viewerID: UUID?, genre: String?, years: ClosedRange<Int>?, limit: Int) throws -> [Track] {
        var condition = PostgresLibraryRepository.visible
        var parameters: [any PostgresBindable] = [viewerID]
        if let genre {
            parameters.append(genre)
            condition += " AND duradora_nocase(t.genre) = duradora_nocase($\(parameters.count))"
        }
        if let years {
            parameters += [years.lowerBound, years.upperBound]
            condition += " AND t.year BETWEEN $\(parameters.count - 1) AND $\(parameters.count)"
        }
        parameters.append(max(limit, 0))
        return try connection.query(
            "SELECT \(PostgresTrackColumn.selectList) FROM tracks AS t WHERE \(condition) ORDER BY random() LIMIT $\(parameters.count)",
            parameters, row: PostgresTrackRepository.track)
    }
}
