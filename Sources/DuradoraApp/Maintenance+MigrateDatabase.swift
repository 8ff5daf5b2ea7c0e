import Foundation

/// `duradora migrate-data --from data/duradora.sqlite3 --to postgresql://…`: copies an installation's SQLite
/// database into PostgreSQL, table by table, row ids included (lists break ties by insertion order).
///
/// The target gets the schema first (`PostgresDatabase.migrate`), then each table's rows in one transaction with
/// `session_replication_role = replica`: triggers (the album totals, the dense positions) and foreign-key checks
/// stay off while rows arrive in any order, so derived rows are copied as they are instead of being derived twice.
/// That needs a role allowed to set it (a superuser, as the database's owner usually is on a self-hosted server).
/// Rows already there are kept (`ON CONFLICT DO NOTHING`): a stopped run is simply started again. Afterwards
/// every table is compared: row counts, and a SHA-256 over its rows read back from both sides.
extension Maintenance {
    public struct DatabaseMigration: Sendable, Equatable {
        public struct Table: Sendable, Equatable {
            public var name: String
            public var rows: Int
            /// Rows this run inserted (the rest were there from an earlier run).
            public var inserted: Int
            /// SHA-256 over the table's rows, the same on both sides.
            public var digest: String
        }
        public var tables: [Table] = []

        public var summary: String {
            let rows = tables.reduce(0) { $0 + $1.rows }, inserted = tables.reduce(0) { $0 + $1.inserted }
            return (["copied \(tables.count) tables, \(rows) rows (\(inserted) inserted now); counts and checksums match:"]
                + tables.map { "  \($0.name): \($0.rows) rows, sha256 \($0.digest.prefix(16))" }).joined(separator: "\n")
        }
    }

    /// The schema bookkeeping table, which each side keeps for itself.
    private static let ownTables: Set<String> = ["duradora_schema"]

    public static func migrateDatabase(from path: String, to target: String) throws -> DatabaseMigration {
        var problem = ""
        guard PostgresURL.names(target), let url = PostgresURL(target, problem: &problem) else {
            throw MaintenanceError(message: "--to: \(problem.isEmpty ? "must be a postgresql:// URL" : problem)")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw MaintenanceError(message: "--from: no SQLite database at \(path)")
        }
        // Both schemas current: the same tables and columns on both sides.
        try SQLiteDatabase.openAndMigrate(path: path).close()
        try PostgresDatabase.openAndMigrate(url: url).close()
        let source = try SQLiteConnection(path: path, mode: .readOnly)
        defer { source.close() }
        let destination = try PostgresConnection(url: url)
        defer { destination.close() }

        var result = DatabaseMigration()
        let tables = try destination.query("""
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
            """).rows.compactMap { $0.first?.string }.filter { !ownTables.contains($0) }
        for table in tables {
            let columns = try copiedColumns(of: table, source: source, destination: destination)
            let inserted = try copy(table, columns: columns, from: source, to: destination)
            let (sourceRows, sourceDigest) = try digest(of: table, columns: columns, in: source)
            let (targetRows, targetDigest) = try digest(of: table, columns: columns, in: destination)
            guard sourceRows == targetRows, sourceDigest == targetDigest else {
                throw MaintenanceError(message: "\(table): \(sourceRows) rows in SQLite, \(targetRows) in PostgreSQL"
                    + (sourceRows == targetRows ? ", with different contents" : ""))
            }
            result.tables.append(.init(name: table, rows: sourceRows, inserted: inserted, digest: sourceDigest))
        }
        return result
    }

    /// The target's columns that are written (not computed), each of which the source has; `rowid` is SQLite's own.
    private static func copiedColumns(
        of table: String, source: SQLiteConnection, destination: PostgresConnection
    ) throws -> [String] {
        let target = try destination.query("""
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
            ORDER BY ordinal_position
            """, [table]).rows.compactMap { $0.first?.string }
        let present = Set(try source.query("SELECT name FROM pragma_table_info(?)", [table]) { $0.string(at: 0) ?? "" })
        guard !present.isEmpty else { throw MaintenanceError(message: "\(table): no such table in the SQLite database") }
        for column in target where column != "rowid" && !present.contains(column) {
            throw MaintenanceError(message: "\(table).\(column): no such column in the SQLite database")
        }
        return target
    }

    private static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Inserts every source row the target lacks; returns how many it inserted.
    private static func copy(
        _ table: String, columns: [String], from source: SQLiteConnection, to destination: PostgresConnection
    ) throws -> Int {
        let list = columns.map(quoted).joined(separator: ", ")
        let placeholders = (1...columns.count).map { "$\($0)" }.joined(separator: ", ")
        // Identity columns are GENERATED ALWAYS: the copied ids are given on purpose.
        let overriding = columns.contains("rowid") ? " OVERRIDING SYSTEM VALUE" : ""
        let insert = "INSERT INTO \(quoted(table)) (\(list))\(overriding) VALUES (\(placeholders)) ON CONFLICT DO NOTHING"
        return try destination.transaction {
            try destination.simple("SET LOCAL session_replication_role = replica")
            var inserted = 0
            let select = "SELECT \(list) FROM \(quoted(table))"
            try source.withStatement(select, []) { statement in
                while try statement.step() {
                    let values = (0..<Int32(columns.count)).map { statement.value(at: $0).postgresValue }
                    inserted += try destination.query(insert, values).affected
                }
            }
            if columns.contains("rowid") {
                // The next row inserted by the server continues after the copied ones.
                try destination.query("""
                    SELECT setval(pg_get_serial_sequence($1, 'rowid'), greatest(coalesce(max(rowid), 0), 1))
                    FROM \(quoted(table))
                    """, [table])
            }
            return inserted
        }
    }


    /// Row count and SHA-256 of the sorted rows, each written out value by value in one spelling for both sides
    /// (a whole number stored as a float reads back as the same number).
    private static func digest(of table: String, columns: [String], in source: SQLiteConnection) throws -> (Int, String) {
        let list = columns.map(quoted).joined(separator: ", ")
        let rows = try source.query("SELECT \(list) FROM \(quoted(table))") { statement in
            (0..<Int32(columns.count)).map { spelled(statement.value(at: $0).postgresValue) }.joined(separator: "\u{1f}")
        }
        return (rows.count, Sodium.sha256(Array(rows.sorted().joined(separator: "\u{1e}").utf8)).lowercaseHex)
    }

    private static func digest(of table: String, columns: [String], in destination: PostgresConnection) throws -> (Int, String) {
        let list = columns.map(quoted).joined(separator: ", ")
        let rows = try destination.query("SELECT \(list) FROM \(quoted(table))").rows.map { row in
            row.map(spelled).joined(separator: "\u{1f}")
        }
        return (rows.count, Sodium.sha256(Array(rows.sorted().joined(separator: "\u{1e}").utf8)).lowercaseHex)
    }

    private static func spelled(_ value: PostgresValue) -> String {
        switch value {
        case .null: "∅"
        case .int8(let integer): "i\(integer)"
        case .float8(let real): real.rounded() == real && abs(real) < 1e15 ? "i\(Int64(real))" : "f\(real)"
        case .bool(let flag): "i\(flag ? 1 : 0)"
        case .text(let text): "t\(text.utf8.count):\(text)"
        case .bytea(let bytes): "b" + bytes.lowercaseHex
        }
    }
}
