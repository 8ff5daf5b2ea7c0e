import DuradoraHTTP
import Foundation
import Synchronization

/// Process-wide counters behind `GET /metrics`. Every method is thread-safe and cheap enough to call per request.
/// Requests are labelled by route pattern, method and status class — never by raw path, so the number of series
/// stays bounded whatever clients send.
///
/// Request counters live in shards, one per event loop (`ExchangeRecord.eventLoop`), merged when scraped: each
/// loop reports its own exchanges one at a time, so its shard's lock is never contended — the single shared lock
/// before, taken by every loop for every request, was 7 % of a `/health` request (callgrind). A request finds its
/// series (route and method) in a small cache, else by one dictionary lookup; the status class is an index, not a
/// String.
///
/// Other parts of the server report through the `record…` methods: the upload path calls `recordUpload`, the
/// transcoder `recordTranscode`, storage failures `recordDatabaseError` (the router already counts unexpected
/// `SQLiteError`s that reach it).
public final class Metrics: Sendable {
    /// Upper bounds (seconds) of the request latency histogram; `+Inf` is implied.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

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

        mutating func add(_ other: Histogram) {
            for index in counts.indices { counts[index] += other.counts[index] }
            sum += other.sum
            count += other.count
        }
    }

    /// Everything counted for one route and method.
    struct RouteCounters {
        /// Requests by status class: index 0 is `none`, 1…5 are `1xx`…`5xx` (see `statusClassIndex`).
        var byStatusClass = [UInt64](repeating: 0, count: 6)
        var latency = Histogram()
        var responseBytes: UInt64 = 0

        mutating func add(_ other: RouteCounters) {
            for index in byStatusClass.indices { byStatusClass[index] += other.byStatusClass[index] }
            latency.add(other.latency)
            responseBytes += other.responseBytes
        }
    }

    struct Shard {
        /// Each series counted, in the order first seen; `slots` finds one by its key.
        private(set) var series: [(key: RouteKey, counters: RouteCounters)] = []
        private var slots: [RouteKey: Int] = [:]
        /// Series lately counted, by a hash that reads no byte (the two names' lengths), or -1: a request whose
        /// series is here is counted without hashing two strings for the dictionary (callgrind: ~450 instructions
        /// of a `/health` request); its strings are the route's own, so they compare as one word.
        private var recent = [Int](repeating: -1, count: Shard.recentCount)
        private static let recentCount = 16
        var abortedResponses: UInt64 = 0

        /// The counters of `key`'s series, made when it is new.
        mutating func withCounters(_ key: RouteKey, _ body: (inout RouteCounters) -> Void) {
            let hint = (key.route.utf8.count &* 31 &+ key.method.utf8.count) & (Self.recentCount - 1)
            var index = recent[hint]
            if index < 0 || series[index].key != key {
                if let known = slots[key] {
                    index = known
                } else {
                    index = series.count
                    series.append((key, RouteCounters()))
                    slots[key] = index
                }
                recent[hint] = index
            }
            body(&series[index].counters)
        }

        /// Every series, by key (for a scrape).
        var routes: [RouteKey: RouteCounters] {
            Dictionary(uniqueKeysWithValues: series.map { ($0.key, $0.counters) })
        }
    }

    /// The counters other code reports (rare, so one lock for all).
    struct Totals {
        var uploads: UInt64 = 0
        var uploadFailures: UInt64 = 0
        var uploadBytes: UInt64 = 0
        var transcodes: UInt64 = 0
        var transcodeFailures: UInt64 = 0
        var transcodeSeconds = 0.0
        var databaseErrors: UInt64 = 0
    }

    /// More than the loops a server runs (one per core by default); loops beyond it share shards, correctly.
    private static let shardCount = 16
    private let shards: [LockedShard] = (0..<Metrics.shardCount).map { _ in LockedShard() }

    /// A `Mutex` is not copyable, so an array holds each in a box.
    private final class LockedShard: Sendable {
        let counters = Mutex(Shard())
    }
    let totals = Mutex(Totals())
    private let openConnectionsSource = Mutex<(@Sendable () -> Int)?>(nil)
    let version: String
    let startTime: Double

    public init(version: String = DuradoraVersion.current, startTime: Date = Date()) {
        self.version = version
        self.startTime = startTime.timeIntervalSince1970
    }

    /// Counts one finished exchange (the server's observer calls this once per request).
    public func observe(_ exchange: ExchangeRecord) {
        let key = RouteKey(route: exchange.route, method: Self.methodLabel(exchange.method))
        let statusClass = Self.statusClassIndex(exchange.status)
        // Read out before the lock: a closure capturing the record copied it (callgrind: ~250 instructions).
        let seconds = max(0, exchange.durationSeconds), bytes = UInt64(max(0, exchange.bytesSent))
        let aborted: UInt64 = exchange.completed ? 0 : 1
        shards[exchange.eventLoop & (Self.shardCount - 1)].counters.withLock { shard in
            shard.withCounters(key) { $0.record(statusClass: statusClass, seconds: seconds, bytes: bytes) }
            shard.abortedResponses += aborted
        }
    }

    /// Every shard's counters added up, for a scrape.
    func merged() -> Shard {
        var total = Shard()
        for shard in shards {
            let copy = shard.counters.withLock { $0 }
            total.abortedResponses += copy.abortedResponses
            for (key, counters) in copy.series { total.withCounters(key) { $0.add(counters) } }
        }
        return total
    }

    /// One upload that finished (`succeeded`) or was refused or failed after it started.
    public func recordUpload(bytes: Int64, succeeded: Bool) {
        totals.withLock { state in
            state.uploads += 1
            state.uploadBytes += UInt64(max(0, bytes))
            if !succeeded { state.uploadFailures += 1 }
        }
    }

    /// One transcode (decode + encode) and the wall-clock seconds it took, whether or not it succeeded.
    public func recordTranscode(seconds: Double, succeeded: Bool) {
        totals.withLock { state in
            state.transcodes += 1
            state.transcodeSeconds += max(0, seconds)
            if !succeeded { state.transcodeFailures += 1 }
        }
    }

    /// One failed database call (any `SQLiteError` or `PostgresError` that was not an expected outcome such as a
    /// unique conflict, a lost PostgreSQL connection included).
    public func recordDatabaseError() {
        totals.withLock { $0.databaseErrors += 1 }
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
        statusClassLabels[statusClassIndex(status)]
    }

    /// The labels of `RouteCounters.byStatusClass`, by index.
    static let statusClassLabels = ["none", "1xx", "2xx", "3xx", "4xx", "5xx"]

    /// A request's method as a label: one of the methods HTTP defines, or `OTHER`. Any token is a method to the
    /// parser, and a client sending a new one on every request (to an unknown path) made a series each time.
    static func methodLabel(_ method: HTTPMethod) -> String {
        switch method {
        case .get, .head, .post, .put, .patch, .delete, .options, .trace, .connect: method.rawValue
        default: "OTHER"
        }
    }

    static func statusClassIndex(_ status: Int) -> Int {
        (100...599).contains(status) ? status / 100 : 0
    }
}

extension Metrics.RouteCounters {
    mutating func record(statusClass: Int, seconds: Double, bytes: UInt64) {
        byStatusClass[statusClass] += 1
        latency.observe(seconds)
        responseBytes += bytes
    }
}
