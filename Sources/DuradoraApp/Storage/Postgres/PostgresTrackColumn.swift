/// The track columns: the same list (and positions, `SQLiteTrackColumn`) as SQLite's, whose SQL is plain enough
/// for both backends, so a new column is added in one place.
enum PostgresTrackColumn {
    static let selectList = SQLiteTrackColumn.selectList
}
