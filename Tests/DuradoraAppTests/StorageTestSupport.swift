import Foundation
import DuradoraTestSupport
import Testing
@testable import DuradoraApp

/// A fresh directory under the system temp directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("duradora-tests-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }

    var timeSource: TimeSource { TimeSource { [self] in now } }
}

/// Collects values from several threads.
final class LockedArray<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []

    func append(_ element: Element) { lock.withLock { elements.append(element) } }

    var values: [Element] { lock.withLock { elements } }
}

/// A migrated database in a temp directory; the directory goes when the test calls `cleanUp()`.
struct TestDatabase {
    let directory: TemporaryDirectory
    let database: SQLiteDatabase

    init(options: SQLiteDatabase.Options = .init()) throws {
        directory = try TemporaryDirectory()
        database = try SQLiteDatabase.openAndMigrate(path: directory.path("duradora.sqlite3"), options: options)
    }

    func cleanUp() {
        database.close()
        directory.remove()
    }
}

/// The storage backends the repository tests run against: every test body taking a `Backend` runs on each.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

/// A migrated, empty database of either backend: SQLite in a temp directory, or a database of its own on the
/// test process's throw-away PostgreSQL server (`TestPostgres`). Gone after `cleanUp()`.
struct TestStore {
    let backend: Backend
    let database: any Database
    /// PostgreSQL: the database's URL (for a second instance on the same data); SQLite: the file's path.
    let location: String
    private let directory: TemporaryDirectory?

    init(_ backend: Backend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            let directory = try TemporaryDirectory()
            self.directory = directory
            location = directory.path("duradora.sqlite3")
            database = try SQLiteDatabase.openAndMigrate(path: location)
        case .postgres:
            directory = nil
            location = try TestPostgres.start().makeDatabase()
            database = try PostgresDatabase.openAndMigrate(url: try Self.postgresURL(location),
                                                           options: .init(poolSize: 4))
        }
    }

    /// A second instance on the same data, with connections and observers of its own (another process, say).
    func openAnother() throws -> any Database {
        switch backend {
        case .sqlite: try SQLiteDatabase(path: location)
        case .postgres: try PostgresDatabase(url: try Self.postgresURL(location), options: .init(poolSize: 2))
        }
    }

    static func postgresURL(_ text: String) throws -> PostgresURL {
        var problem = ""
        guard let url = PostgresURL(text, problem: &problem) else { throw TestPostgresError(problem) }
        return url
    }

    func cleanUp() {
        database.close()
        directory?.remove()
        if backend == .postgres, let name = location.split(separator: "/").last {
            // The name is makeDatabase's own ("t_" and hex), never input: safe to spell in the statement.
            _ = try? TestPostgres.start().query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
