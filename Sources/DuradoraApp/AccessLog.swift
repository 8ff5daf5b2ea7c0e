import DuradoraHTTP
import Foundation
import Synchronization

/// Log lines on standard error: one per request (`AccessLog.record`) and one per notable event, in logfmt or
/// JSON. Never a token, password or cookie: targets arrive already masked and no header is logged.
public final class AccessLog: Sendable {
    public typealias Format = Configuration.LogFormat
    public typealias Level = Configuration.LogLevel

    private let format: Format
    private let minimum: Level
    private let write: @Sendable (String) -> Void

    public init(format: Format, minimum: Level = .info, write: @escaping @Sendable (String) -> Void = AccessLog.standardError) {
        self.format = format
        self.minimum = minimum
        self.write = write
    }

    /// Standard error, written within milliseconds in batches (`StandardErrorLines`); `flush()` writes at once.
    public static let standardError: @Sendable (String) -> Void = { line in
        StandardErrorLines.shared.append(line)
    }

    /// The one line per request. Request lines may wait a few milliseconds in the standard error buffer;
    /// every other line (`log`) is written at once, after the request lines before it.
    public func record(_ exchange: ExchangeRecord) {
        guard Level.info >= minimum else { return }
        let path = Self.maskingSecretSegments(exchange.target, route: exchange.route)
        let fields = [
            ("request_id", exchange.requestId), ("method", exchange.method.rawValue), ("route", exchange.route),
            ("path", path), ("status", String(exchange.status)), ("bytes", String(exchange.bytesSent)),
            ("ms", Self.milliseconds(exchange.durationSeconds)), ("remote", exchange.remoteAddress),
            ("completed", exchange.completed ? "true" : "false"),
        ]
        write(line(.info, "request", fields))
    }

    /// Writes request lines still waiting in the standard error buffer.
    public func flush() {
        StandardErrorLines.shared.flush()
    }

    /// Route parameters that are secrets themselves: a share token is the key to its playlist.
    static let secretRouteParameters: Set<Substring> = ["{share_token}"]

    /// Route labels are the registered patterns and a few fixed words: whether each names a secret is worked out
    /// once (splitting the route for every request line was 3% of a ranged request).
    private static let secretRoutes = Mutex<[String: Bool]>([:])

    private static func namesSecret(_ route: String) -> Bool {
        if let known = secretRoutes.withLock({ $0[route] }) { return known }
        let answer = route.split(separator: "/").contains(where: secretRouteParameters.contains)
        secretRoutes.withLock { if $0.count < 1024 { $0[route] = answer } }
        return answer
    }

    /// `target` with the path segments that `route` names as secret parameters replaced by `***`.
    static func maskingSecretSegments(_ target: String, route: String) -> String {
        guard namesSecret(route) else { return target }
        let routeSegments = route.split(separator: "/")
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var segments = (parts.first ?? "").split(separator: "/").map(String.init)
        for (index, segment) in routeSegments.enumerated() where secretRouteParameters.contains(segment) {
            if index < segments.count { segments[index] = "***" }
        }
        return "/" + segments.joined(separator: "/") + (parts.count > 1 ? "?" + parts[1] : "")
    }

    public func log(_ level: Level, _ message: String, _ fields: [(String, String)] = []) {
        guard level >= minimum else { return }
        write(line(level, message, fields))
        flush()
    }

    private func line(_ level: Level, _ message: String, _ fields: [(String, String)]) -> String {
        // Built as UTF-8 bytes and made a String once: a dozen appends to a String cost more than the rest of
        // the line's work (6% of a cached range request with the log on).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(320)
        func append(_ key: String, _ value: String) {
            switch format {
            case .logfmt:
                if !bytes.isEmpty { bytes.append(UInt8(ascii: " ")) }
                bytes.append(contentsOf: key.utf8)
                bytes.append(UInt8(ascii: "="))
                bytes.append(contentsOf: Self.logfmtValue(value).utf8)
            case .json:
                bytes.append(bytes.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
                bytes.append(contentsOf: JSONCoding.quote(key).utf8)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: JSONCoding.quote(value).utf8)
            }
        }
        append("time", RFC3339.fastString(from: Date()))
        append("level", level.rawValue)
        append("msg", message)
        for (key, value) in fields { append(key, value) }
        if format == .json { bytes.append(UInt8(ascii: "}")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `12.34`: two decimals without `String(format:)`, which is slow on Linux.
    static func milliseconds(_ seconds: Double) -> String {
        let hundredths = Int((seconds * 100_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func logfmtValue(_ value: String) -> String {
        // Most values are plain ASCII without spaces: one pass over the bytes says so (over the contiguous UTF-8
        // itself: `utf8.allSatisfy` went through the generic view byte by byte).
        var value = value
        let isPlain = value.withUTF8 { bytes in
            !bytes.isEmpty && !bytes.contains { $0 <= 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\"") }
        }
        if isPlain { return value }
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        guard needsQuotes else { return value }
        return JSONCoding.quote(value)
    }
}
