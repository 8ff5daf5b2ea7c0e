import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// What a listener reported, in order.
private final class Events: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [PostgresListener.Event] = []
    func append(_ event: PostgresListener.Event) { lock.lock(); list.append(event); lock.unlock() }
    var all: [PostgresListener.Event] { lock.lock(); defer { lock.unlock() }; return list }
    func payloads() -> [String] {
        all.compactMap { if case .notification(_, let payload) = $0 { payload } else { nil } }
    }
}

@Suite struct PostgresListenerTests {
    fileprivate static func setUp() throws -> (PostgresListener, Events, PostgresConnection, TestPostgres) {
        let server = try TestPostgres.start()
        var problem = ""
        let url = try #require(PostgresURL(try server.makeDatabase(), problem: &problem))
        let events = Events()
        let listener = PostgresListener(url: url, channels: ["duradora_inval", "other"]) { events.append($0) }
        try listener.start()
        return (listener, events, try PostgresConnection(url: url), server)
    }

    @Test func committedNotificationsArriveAndRolledBackOnesNever() throws {
        let (listener, events, writer, _) = try Self.setUp()
        defer { listener.stop() }
        #expect(events.all == [.listening])
        #expect(listener.isListening)
        struct Rollback: Error {}
        _ = try? writer.transaction {
            try writer.notify(channel: "duradora_inval", payload: "token:rolled-back")
            throw Rollback()
        }
        try writer.transaction { try writer.notify(channel: "duradora_inval", payload: "token:committed") }
        try writer.notify(channel: "other", payload: "track:7")
        try writer.notify(channel: "not_listened", payload: "x")
        #expect(TestHTTPServer.eventually(within: 10) { events.payloads().count >= 2 })
        try writer.notify(channel: "duradora_inval", payload: "last")  // anything sent before it has arrived
        #expect(TestHTTPServer.eventually(within: 10) { events.payloads().last == "last" })
        #expect(events.all == [.listening, .notification(channel: "duradora_inval", payload: "token:committed"),
                               .notification(channel: "other", payload: "track:7"),
                               .notification(channel: "duradora_inval", payload: "last")])
    }

    @Test func aKilledListenerReportsTheLossReconnectsAndResumes() throws {
        let (listener, events, writer, server) = try Self.setUp()
        defer { listener.stop() }
        let first = listener.backendPID
        #expect(first != 0)
        try server.query("SELECT pg_terminate_backend(\(first))")
        #expect(TestHTTPServer.eventually(within: 10) { events.all.count >= 3 }, "\(events.all)")
        #expect(events.all.prefix(3) == [.listening, .lost, .listening])
        #expect(listener.isListening)
        #expect(listener.backendPID != first && listener.backendPID != 0)
        // Listening on every channel again.
        try writer.notify(channel: "duradora_inval", payload: "token:after")
        try writer.notify(channel: "other", payload: "track:after")
        #expect(TestHTTPServer.eventually(within: 10) { events.payloads() == ["token:after", "track:after"] },
                "\(events.all)")
    }

    @Test func stoppedMeansNoEventsAndNoBackend() throws {
        let (listener, events, writer, server) = try Self.setUp()
        let pid = listener.backendPID
        listener.stop()
        listener.stop()
        #expect(!listener.isListening)
        try writer.notify(channel: "duradora_inval", payload: "ignored")
        #expect(TestHTTPServer.eventually(within: 10) {
            (try? server.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)")) == ["0"]
        })
        usleep(100_000)
        #expect(events.all == [.listening])
    }

    @Test func aWrongURLFailsTheStart() throws {
        var problem = ""
        let url = try #require(PostgresURL("postgresql://duradora@127.0.0.1:1/postgres", problem: &problem))
        let listener = PostgresListener(url: url, channels: ["x"]) { _ in }
        #expect { try listener.start() } throws: { ($0 as? PostgresError)?.isConnectionLoss == true }
    }
}
