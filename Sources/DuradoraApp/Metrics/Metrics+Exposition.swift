import Foundation

/// The Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` once per family, then one sample
/// per line, label values escaped, series in a stable order.
extension Metrics {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The whole scrape.
    public func exposition() -> String {
        let requests = merged()
        let totals = self.totals.withLock { $0 }
        let routes = requests.routes.sorted { $0.key < $1.key }
        var out = ExpositionWriter()

        out.family("duradora_build_info", "gauge", "Always 1; the version label says which build is running.")
        out.sample("duradora_build_info", [("version", version)], 1)
        out.family("duradora_process_start_time_seconds", "gauge", "Start time of the process in seconds since the Unix epoch.")
        out.sample("duradora_process_start_time_seconds", [], startTime)

        out.family("duradora_http_requests_total", "counter", "Finished HTTP requests by route pattern, method and status class.")
        for (key, counters) in routes {
            // Sorted by label value, as before the counts were kept by index ("none" after "5xx").
            let classes = counters.byStatusClass.indices.filter { counters.byStatusClass[$0] > 0 }
                .sorted { Self.statusClassLabels[$0] < Self.statusClassLabels[$1] }
            for index in classes {
                out.sample("duradora_http_requests_total",
                           [("route", key.route), ("method", key.method), ("status", Self.statusClassLabels[index])],
                           Double(counters.byStatusClass[index]))
            }
        }

        out.family("duradora_http_request_duration_seconds", "histogram",
                   "Time from the request head to the last response byte, by route pattern and method.")
        for (key, counters) in routes {
            let histogram = counters.latency
            let labels = [("route", key.route), ("method", key.method)]
            var cumulative: UInt64 = 0
            for (index, bound) in Self.latencyBuckets.enumerated() {
                cumulative += histogram.counts[index]
                out.sample("duradora_http_request_duration_seconds_bucket", labels + [("le", Self.number(bound))],
                           Double(cumulative))
            }
            out.sample("duradora_http_request_duration_seconds_bucket", labels + [("le", "+Inf")], Double(histogram.count))
            out.sample("duradora_http_request_duration_seconds_sum", labels, histogram.sum)
            out.sample("duradora_http_request_duration_seconds_count", labels, Double(histogram.count))
        }

        out.family("duradora_http_response_bytes_total", "counter",
                   "Response body bytes sent (streams and downloads included), by route pattern and method.")
        for (key, counters) in routes {
            out.sample("duradora_http_response_bytes_total", [("route", key.route), ("method", key.method)],
                       Double(counters.responseBytes))
        }

        out.family("duradora_http_responses_aborted_total", "counter", "Responses the client went away from before the end.")
        out.sample("duradora_http_responses_aborted_total", [], Double(requests.abortedResponses))
        out.family("duradora_http_open_connections", "gauge", "Client connections open right now.")
        out.sample("duradora_http_open_connections", [], Double(openConnections))

        let counters: [(String, String, Double)] = [
            ("duradora_uploads_total", "Audio uploads started, successful or not.", Double(totals.uploads)),
            ("duradora_upload_failures_total", "Audio uploads that were refused or failed.", Double(totals.uploadFailures)),
            ("duradora_upload_bytes_total", "Bytes of audio received by uploads.", Double(totals.uploadBytes)),
            ("duradora_transcodes_total", "Transcodes to MP3, successful or not.", Double(totals.transcodes)),
            ("duradora_transcode_failures_total", "Transcodes that failed.", Double(totals.transcodeFailures)),
            ("duradora_transcode_seconds_total", "Wall-clock seconds spent transcoding.", totals.transcodeSeconds),
            ("duradora_database_errors_total", "Database calls that failed unexpectedly.", Double(totals.databaseErrors)),
        ]
        for (name, help, value) in counters {
            out.family(name, "counter", help)
            out.sample(name, [], value)
        }
        return out.text
    }

    /// Numbers as Prometheus reads them: integers without a fraction, others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

struct ExpositionWriter {
    private(set) var text = ""

    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Metrics.number(value) + "\n"
    }

    /// Label values: backslash, double quote and line feed are escaped.
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
