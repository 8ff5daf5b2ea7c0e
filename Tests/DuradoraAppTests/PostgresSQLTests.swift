import Testing
@testable import DuradoraApp

/// `PostgresSQL.numbered`: the shared repositories' SQLite placeholders in PostgreSQL's spelling, numbered as
/// SQLite numbers them.
@Suite struct PostgresSQLTests {
    @Test func bareQuestionMarksAreNumberedInOrder() {
        #expect(PostgresSQL.numbered("SELECT ? WHERE a = ? AND b = ?") == "SELECT $1 WHERE a = $2 AND b = $3")
    }

    @Test func numberedQuestionMarksKeepTheirNumberAndBareOnesFollowTheLargest() {
        #expect(PostgresSQL.numbered("WHERE u = ?1 AND t = ?1::text AND x = ? LIMIT ?")
            == "WHERE u = $1 AND t = $1::text AND x = $2 LIMIT $3")
        #expect(PostgresSQL.numbered("FROM f(?2) WHERE u = ?1 AND v = ?") == "FROM f($2) WHERE u = $1 AND v = $3")
    }

    @Test func textWithoutQuestionMarksPassesThrough() {
        #expect(PostgresSQL.numbered("SELECT pg_notify($1, $2)") == "SELECT pg_notify($1, $2)")
    }
}
