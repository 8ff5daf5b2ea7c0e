import DuradoraHTTP
import Foundation
import Synchronization

/// Process-wide counters behind `GET /metrics`. Every method is thread-safe (one short lock) and cheap enough to
/// call per request. Requests are labelled by route pattern, method and status class — never by raw path, so the
/// number of series stays bounded whatever clients send.
///
/// Other parts of the server report through the `record…` methods: the upload path calls `recordUpload`, the
/// transcoder `recordTranscode`, storage failures `recordDatabaseError` (the router already counts unexpected
/// `SQLiteError`s that reach it).
public final class Metrics: Sendable {
    /// Upper bounds (seconds) of the request latency histogram; `+Inf` is implied.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    struct RequestKey: Hashable, Comparable {
        let route: String
        let method: String
        let statusClass: String

        static func < (lhs: RequestKey, rhs: RequestKey) -> Bool {
            (lhs.route, lhs.method, lhs.statusClass) < (rhs.route, rhs.method, rhs.statusClass)
        }
    }

    struct RouteKey: Hashable, Comparable {
        let route: String
        let method: String

        static func < (lhs: RouteKey, rhs: RouteKey) -> Bool { (lhs.route, lhs.method) < (rhs.route, rhs.method) }
    }

    struct Histogram {
        /// Per-bucket (not cumulative) counts, one per `latencyBuckets` entry plus one for `+Inf`.
        var counts = [UInt64](repeating: 0, count: Metrics.latencyBuckets.count + 1)
        var sum = 0.0
        var count: UInt64 = 0

        mutating func observe(_ value: Double) {
            let index = Metrics.latencyBuckets.firstIndex { value <= $0 } ?? Metrics.latencyBuckets.count
            counts[index] += 1
            sum += value
            count += 1
        }
    }

    struct State {
        var requests: [RequestKey: UInt64] = [:]
        var latency: [RouteKey: Histogram] = [:]
        var responseBytes: [RouteKey: UInt64] = [:]
        var abortedResponses: UInt64 = 0
        var uploads: UInt64 = 0
        var uploadFailures: UInt64 = 0
        var uploadBytes: UInt64 = 0
        var transcodes: UInt64 = 0
        var transcodeFailures: UInt64 = 0
        var transcodeSeconds = 0.0
        var databaseErrors: UInt64 = 0
    }

    let state = Mutex(State())
    private let openConnectionsSource = Mutex<(@Sendable () -> Int)?>(nil)
    let version: String
    let startTime: Double

    public init(version: String = DuradoraVersion.current, startTime: Date = Date()) {
        self.version = version
        self.startTime = startTime.timeIntervalSince1970
    }

    /// Counts one finished exchange (the server's observer calls this once per request).
    public func observe(_ exchange: ExchangeRecord) {
        let route = RouteKey(route: exchange.route, method: exchange.method.rawValue)
        let key = RequestKey(route: exchange.route, method: exchange.method.rawValue,
                             statusClass: Self.statusClass(exchange.status))
        state.withLock { state in
            state.requests[key, default: 0] += 1
            state.latency[route, default: Histogram()].observe(max(0, exchange.durationSeconds))
            state.responseBytes[route, default: 0] += UInt64(max(0, exchange.bytesSent))
            if !exchange.completed { state.abortedResponses += 1 }
        }
    }

    /// One upload that finished (`succeeded`) or was refused or failed after it started.
    public func recordUpload(bytes: Int64, succeeded: Bool) {
        state.withLock { state in
            state.uploads += 1
            state.uploadBytes += UInt64(max(0, bytes))
            if !succeeded { state.uploadFailures += 1 }
        }
    }

    /// One transcode (decode + encode) and the wall-clock seconds it took, whether or not it succeeded.
    public func recordTranscode(seconds: Double, succeeded: Bool) {
        state.withLock { state in
            state.transcodes += 1
            state.transcodeSeconds += max(0, seconds)
            if !succeeded { state.transcodeFailures += 1 }
        }
    }

    /// One failed database call (any `SQLiteError` that was not an expected outcome such as a unique conflict).
    public func recordDatabaseError() {
        state.withLock { $0.databaseErrors += 1 }
    }

    /// Where the open-connections gauge reads from (the running server); 0 until set.
    public func setOpenConnectionsSource(_ source: (@Sendable () -> Int)?) {
        openConnectionsSource.withLock { $0 = source }
    }

    var openConnections: Int {
        openConnectionsSource.withLock { $0 }?() ?? 0
    }

    /// `2xx`, `4xx`, …; `none` when no response was started (the client left first).
    static func statusClass(_ status: Int) -> String {
        (100...599).contains(status) ? "\(status / 100)xx" : "none"
    }
}
