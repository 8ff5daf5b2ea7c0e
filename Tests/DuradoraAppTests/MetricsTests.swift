import Foundation
import Testing
@testable import DuradoraApp
@testable import DuradoraHTTP
import DuradoraTestSupport

/// `GET /metrics` over real sockets, and the exposition format of `Metrics` on its own.
@Suite struct MetricsTests {
    @Test func scrapeCountsRequestsByRoutePatternAndStatusClass() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let (id, token) = try client.createUser("metered")
        #expect(try client.get("/api/v1/users/\(id)", headers: bearer(token)).status == 200)
        #expect(try client.get("/api/v1/users/\(UUID().uuidString.lowercased())", headers: bearer(token)).status == 404)
        #expect(try client.get("/no/such/\(UUID().uuidString)").status == 404)
        let health = try client.get("/health")
        #expect(health.status == 200)

        let response = try client.get("/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let scrape = try PrometheusText(response.text)
        let requests = "duradora_http_requests_total"
        #expect(scrape.value(requests, ["route": "/api/v1/users", "method": "POST", "status": "2xx"]) == 1)
        #expect(scrape.value(requests, ["route": "/api/v1/users/{id}", "method": "GET", "status": "2xx"]) == 1)
        #expect(scrape.value(requests, ["route": "/api/v1/users/{id}", "method": "GET", "status": "4xx"]) == 1)
        #expect(scrape.value(requests, ["route": "unmatched", "method": "GET", "status": "4xx"]) == 1)
        #expect(scrape.value("duradora_http_request_duration_seconds_count", ["route": "/health", "method": "GET"]) == 1)
        #expect((scrape.value("duradora_http_response_bytes_total", ["route": "/health", "method": "GET"]) ?? 0) > 10)
        // Body bytes only: the head that went out in the same buffer is not counted.
        #expect(scrape.value("duradora_http_response_bytes_total", ["route": "/health", "method": "GET"])
            == Double(health.body.count))
        #expect((scrape.value("duradora_http_open_connections") ?? 0) >= 1)
        #expect(scrape.value("duradora_build_info", ["version": DuradoraVersion.current]) == 1)
        // Raw paths (ids, unknown paths) never become labels.
        #expect(!response.text.contains(id))
        #expect(!response.text.contains("/no/such"))
    }

    /// Any token is a method to HTTP: one the server does not know is counted as `OTHER`, so a client inventing a
    /// new method on every request cannot make a series of each (the scrape would grow without bound).
    @Test func unknownMethodsShareOneSeries() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        for index in 0..<20 { #expect(try client.request("BREW\(index)", "/no/such").status == 404) }
        #expect(try client.request("PATCH", "/no/such").status == 404)
        let text = try client.get("/metrics").text
        let scrape = try PrometheusText(text)
        let requests = "duradora_http_requests_total"
        #expect(scrape.value(requests, ["route": "unmatched", "method": "OTHER", "status": "4xx"]) == 20)
        #expect(scrape.value(requests, ["route": "unmatched", "method": "PATCH", "status": "4xx"]) == 1)
        #expect(!text.contains("BREW"))
    }

    @Test func countersReportedByOtherCodeAppearInTheScrape() throws {
        let app = try TestApplication()
        defer { app.stop() }
        app.application.metrics.recordUpload(bytes: 1_000, succeeded: true)
        app.application.metrics.recordUpload(bytes: 10, succeeded: false)
        app.application.metrics.recordTranscode(seconds: 1.5, succeeded: true)
        app.application.metrics.recordTranscode(seconds: 0.25, succeeded: false)
        app.application.metrics.recordDatabaseError()
        let scrape = try PrometheusText(try app.makeClient().get("/metrics").text)
        #expect(scrape.value("duradora_uploads_total") == 2)
        #expect(scrape.value("duradora_upload_failures_total") == 1)
        #expect(scrape.value("duradora_upload_bytes_total") == 1_010)
        #expect(scrape.value("duradora_transcodes_total") == 2)
        #expect(scrape.value("duradora_transcode_failures_total") == 1)
        #expect(scrape.value("duradora_transcode_seconds_total") == 1.75)
        #expect(scrape.value("duradora_database_errors_total") == 1)
    }

    @Test func everyFamilyHasHelpAndType() throws {
        let text = Metrics().exposition()
        let families = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        let helps = text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] }
        #expect(families == helps)
        #expect(families.count >= 14)
        _ = try PrometheusText(text)
    }

    @Test func histogramIsCumulativeAndLabelValuesAreEscaped() throws {
        let metrics = Metrics()
        for seconds in [0.001, 0.02, 0.02, 3.0, 120.0] {
            metrics.observe(Self.exchange(route: #"/odd"route\with"#, seconds: seconds))
        }
        let text = metrics.exposition()
        #expect(text.contains(#"route="/odd\"route\\with""#))
        let scrape = try PrometheusText(text)
        let labels = ["route": #"/odd"route\with"#, "method": "GET"]
        let bucket = "duradora_http_request_duration_seconds_bucket"
        #expect(scrape.value(bucket, labels.merging(["le": "0.005"]) { $1 }) == 1)
        #expect(scrape.value(bucket, labels.merging(["le": "0.025"]) { $1 }) == 3)
        #expect(scrape.value(bucket, labels.merging(["le": "5"]) { $1 }) == 4)
        #expect(scrape.value(bucket, labels.merging(["le": "+Inf"]) { $1 }) == 5)
        #expect(scrape.value("duradora_http_request_duration_seconds_count", labels) == 5)
        #expect(abs((scrape.value("duradora_http_request_duration_seconds_sum", labels) ?? 0) - 123.041) < 1e-9)
    }

    @Test func statusClassesAndAbortedResponses() throws {
        #expect(Metrics.statusClass(204) == "2xx")
        #expect(Metrics.statusClass(503) == "5xx")
        #expect(Metrics.statusClass(0) == "none")
        let metrics = Metrics()
        metrics.observe(Self.exchange(route: "/a", seconds: 0.1, completed: false))
        #expect(try PrometheusText(metrics.exposition()).value("duradora_http_responses_aborted_total") == 1)
    }

    @Test func countersAreExactUnderConcurrentUpdates() throws {
        let metrics = Metrics()
        DispatchQueue.concurrentPerform(iterations: 2_000) { index in
            metrics.observe(Self.exchange(route: index % 2 == 0 ? "/a" : "/b", seconds: 0.001))
            metrics.recordTranscode(seconds: 0.5, succeeded: index % 4 != 0)
        }
        let scrape = try PrometheusText(metrics.exposition())
        #expect(scrape.value("duradora_http_requests_total", ["route": "/a"]) == 1_000)
        #expect(scrape.value("duradora_http_requests_total", ["route": "/b"]) == 1_000)
        #expect(scrape.value("duradora_transcodes_total") == 2_000)
        #expect(scrape.value("duradora_transcode_failures_total") == 500)
        #expect(scrape.value("duradora_transcode_seconds_total") == 1_000)
    }

    @Test func exchangesFromDifferentEventLoopsAddUpInOneSeries() throws {
        let metrics = Metrics()
        for loop in 0..<40 {
            var record = Self.exchange(route: "/a", seconds: 0.001)
            record.eventLoop = loop
            metrics.observe(record)
        }
        let failed = ExchangeRecord(requestId: "t-2", method: .get, target: "/a", route: "/a", status: 503, bytesSent: 5,
                                    durationSeconds: 0.001, remoteAddress: "127.0.0.1", completed: true, eventLoop: 3)
        metrics.observe(failed)
        let text = metrics.exposition()
        let scrape = try PrometheusText(text)
        #expect(scrape.value("duradora_http_requests_total", ["route": "/a", "method": "GET", "status": "2xx"]) == 40)
        #expect(scrape.value("duradora_http_requests_total", ["route": "/a", "method": "GET", "status": "5xx"]) == 1)
        #expect(scrape.value("duradora_http_request_duration_seconds_count", ["route": "/a", "method": "GET"]) == 41)
        #expect(scrape.value("duradora_http_response_bytes_total", ["route": "/a", "method": "GET"]) == 205)
        // One series per route and method, whichever loops carried it.
        #expect(text.components(separatedBy: "duradora_http_response_bytes_total{").count == 2)
    }

    @Test func parserRejectsMalformedExposition() {
        #expect(throws: PrometheusText.ParseError.self) { try PrometheusText("no_type 1\n") }
        #expect(throws: PrometheusText.ParseError.self) { try PrometheusText("# TYPE a counter\na{x=\"1} 2\n") }
        #expect(throws: PrometheusText.ParseError.self) { try PrometheusText("# TYPE a counter\na one\n") }
    }

    static func exchange(route: String, seconds: Double, completed: Bool = true) -> ExchangeRecord {
        ExchangeRecord(requestId: "t-1", method: .get, target: route, route: route, status: 200, bytesSent: 5,
                       durationSeconds: seconds, remoteAddress: "127.0.0.1", completed: completed)
    }
}
