import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

@Suite struct PostgresPoolTests {
    static func pool(size: Int, checkoutTimeoutSeconds: Double) throws -> (PostgresPool, TestPostgres) {
        let server = try TestPostgres.start()
        var problem = ""
        let url = try #require(PostgresURL(try server.makeDatabase(), problem: &problem))
        return (PostgresPool(url: url, size: size, checkoutTimeoutSeconds: checkoutTimeoutSeconds), server)
    }

    @Test func workersShareAtMostSizeConnections() throws {
        let (pool, _) = try Self.pool(size: 3, checkoutTimeoutSeconds: 10)
        defer { pool.close() }
        let pids = NSLock(), failures = NSLock()
        nonisolated(unsafe) var seen: Set<Int32> = []
        nonisolated(unsafe) var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<25 {
                do {
                    let pid = try pool.withConnection { connection in
                        let sum = try connection.query("SELECT $1::int8 + $2::int8", [worker, round]).rows
                        guard sum == [[.int8(Int64(worker + round))]] else { throw PostgresError(message: "bad sum \(sum)") }
                        return connection.backendPID
                    }
                    pids.lock(); seen.insert(pid); pids.unlock()
                } catch {
                    failures.lock(); errors.append("\(error)"); failures.unlock()
                }
            }
        }
        #expect(errors.isEmpty, "\(errors.prefix(3))")
        #expect(seen.count <= 3 && !seen.isEmpty)
        #expect(pool.openCount <= 3)
    }

    @Test func anExhaustedPoolFailsClearlyAfterTheCheckoutTimeout() throws {
        let (pool, _) = try Self.pool(size: 2, checkoutTimeoutSeconds: 0.3)
        defer { pool.close() }
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: done) {
                try? pool.withConnection { _ in
                    holding.signal()
                    release.wait()
                }
            }
        }
        holding.wait(); holding.wait()
        let started = Date()
        do {
            try pool.withConnection { _ in _ = Issue.record("got a third connection from a pool of two") }
        } catch let error as PostgresError {
            #expect(error.message.contains("all 2 database connections stayed busy"), "\(error)")
        }
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.3 && waited < 3)
        release.signal(); release.signal()
        done.wait()
        #expect(try pool.withConnection { try $0.query("SELECT 7::int8").rows } == [[.int8(7)]])
        #expect(pool.openCount == 2)
        pool.close()
        #expect(throws: StorageError.closed) { try pool.withConnection { _ in } }
        #expect(pool.openCount == 0)
    }

    @Test func aFailedConnectFreesItsSlot() throws {
        var problem = ""
        let url = try #require(PostgresURL("postgresql://duradora@127.0.0.1:1/postgres", problem: &problem))
        let pool = PostgresPool(url: url, size: 1, checkoutTimeoutSeconds: 0.2)
        for _ in 0..<2 {
            #expect { try pool.withConnection { _ in } } throws: { ($0 as? PostgresError)?.isConnectionLoss == true }
        }
        #expect(pool.openCount == 0)
    }
}
