import DuradoraHTTP
import Foundation

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

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The one line per request.
    public func record(_ exchange: ExchangeRecord) {
        log(.info, "request", [
            ("request_id", exchange.requestId), ("method", exchange.method.rawValue), ("route", exchange.route),
            ("path", Self.maskingSecretSegments(exchange.target, route: exchange.route)), ("status", "\(exchange.status)"), ("bytes", "\(exchange.bytesSent)"),
            ("ms", Self.milliseconds(exchange.durationSeconds)), ("remote", exchange.remoteAddress),
            ("completed", exchange.completed ? "true" : "false"),
        ])
    }

    /// Route parameters that are secrets themselves: a share token is the key to its playlist.
    static let secretRouteParameters: Set<Substring> = ["{share_token}"]

    /// `target` with the path segments that `route` names as secret parameters replaced by `***`.
    static func maskingSecretSegments(_ target: String, route: String) -> String {
        let routeSegments = route.split(separator: "/")
        guard routeSegments.contains(where: secretRouteParameters.contains) else { return target }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var segments = (parts.first ?? "").split(separator: "/").map(String.init)
        for (index, segment) in routeSegments.enumerated() where secretRouteParameters.contains(segment) {
            if index < segments.count { segments[index] = "***" }
        }
        return "/" + segments.joined(separator: "/") + (parts.count > 1 ? "?" + parts[1] : "")
    }

    public func log(_ level: Level, _ message: String, _ fields: [(String, String)] = []) {
        guard level >= minimum else { return }
        let time = RFC3339.fastString(from: Date())
        let all = [("time", time), ("level", level.rawValue), ("msg", message)] + fields
        switch format {
        case .logfmt:
            write(all.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " "))
        case .json:
            write("{" + all.map { "\(JSONCoding.quote($0.0)):\(JSONCoding.quote($0.1))" }.joined(separator: ",") + "}")
        }
    }

    /// `12.34`: two decimals without `String(format:)`, which is slow on Linux.
    static func milliseconds(_ seconds: Double) -> String {
        let hundredths = Int((seconds * 100_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        guard needsQuotes else { return value }
        return JSONCoding.quote(value)
    }
}
