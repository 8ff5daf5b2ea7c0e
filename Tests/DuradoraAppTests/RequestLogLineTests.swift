import DuradoraApp
import Foundation
import DuradoraTestSupport
import Testing

/// The one line per request, as an operator's log shipper reads it: every field present, and a target a client
/// chose can neither break the line nor forge a field.
@Suite struct RequestLogLineTests {
    /// `=` and `"` are legal in a request target; in logfmt they must come out quoted, or `route=admin` in a path
    /// would read as a field of its own.
    static let hostileTarget = #"/no/such?route=admin&x="y""#

    @Test func logfmtLinesCarryEveryFieldAndQuoteClientText() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        #expect(try client.get("/health").status == 200)
        #expect(try client.get(Self.hostileTarget).status == 404)
        var lines: [String] = []
        #expect(TestHTTPServer.eventually {
            lines = app.log.filter { $0.contains("msg=request") }
            return lines.count == 2
        })
        guard lines.count == 2 else { return }
        let health = lines[0] + " "
        for field in ["level=info", "method=GET", "route=/health", "path=/health", "status=200", "completed=true"] {
            #expect(health.contains(" \(field) "), "\(field) in \(health)")
        }
        #expect(health.hasPrefix("time=20"))
        #expect(health.range(of: #"request_id=\S+ "#, options: .regularExpression) != nil)
        #expect(health.range(of: #" ms=\d+\.\d\d "#, options: .regularExpression) != nil)
        let unmatched = lines[1] + " "
        #expect(unmatched.contains(#" path="/no/such?route=admin&x=\"y\"" "#), "\(unmatched)")
        #expect(unmatched.contains(" route=unmatched "))
        #expect(!unmatched.contains(" route=admin"))
    }

    @Test func jsonLinesAreObjectsWithTheSameFields() throws {
        let app = try TestApplication { $0.log.format = .json }
        defer { app.stop() }
        let client = try app.makeClient()
        #expect(try client.get(Self.hostileTarget).status == 404)
        var line: String?
        #expect(TestHTTPServer.eventually {
            line = app.log.first { $0.contains(#""msg":"request""#) }
            return line != nil
        })
        guard let line else { return }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["path"] == Self.hostileTarget)
        #expect(object["route"] == "unmatched")
        #expect(object["status"] == "404")
        #expect(object["method"] == "GET")
        #expect(object["level"] == "info")
        #expect(object["completed"] == "true")
        #expect(Int(object["bytes"] ?? "") ?? 0 > 0)
    }

    @Test func theRequestLogIsOffBelowInfo() throws {
        let app = try TestApplication { $0.log.level = .warning }
        defer { app.stop() }
        let client = try app.makeClient()
        #expect(try client.get("/health").status == 200)
        #expect(try client.get("/no/such").status == 404)
        app.application.stop()
        #expect(!app.log.contains { $0.contains("msg=request") })
    }
}
