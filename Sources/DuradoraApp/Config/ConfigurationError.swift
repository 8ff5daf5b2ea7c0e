/// A configuration problem the operator must fix before the server can start: where it is, which key, and why.
///
/// `description` is the whole message, ready for stderr, e.g.
/// `/etc/duradora/config.toml:3: server.port: must be in 0...65535, got 70000`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the offending value came from.
    public enum Source: Sendable, Equatable {
        /// A configuration file; `line` is nil when the line could not be found.
        case file(path: String, line: Int?)
        /// An environment variable, by name.
        case environment(variable: String)
        /// A command-line flag, e.g. `--port`.
        case commandLine(flag: String)
        /// The final combination of all sources (a rule between two keys).
        case combined
    }

    public let source: Source
    /// The dotted key, e.g. `server.port` or `auth.bootstrap_admin.username`; nil for whole-file problems.
    public let key: String?
    public let message: String

    public init(source: Source, key: String?, message: String) {
        self.source = source
        self.key = key
        self.message = message
    }

    public var description: String {
        let location: String
        switch source {
        case .file(let path, let line?): location = "\(path):\(line)"
        case .file(let path, nil): location = path
        case .environment(let variable): location = "environment variable \(variable)"
        case .commandLine(let flag): location = "command-line option \(flag)"
        case .combined: location = "configuration"
        }
        guard let key else { return "\(location): \(message)" }
        return "\(location): \(key): \(message)"
    }

    /// The line number, for errors found in a file.
    public var line: Int? {
        if case .file(_, let line) = source { return line }
        return nil
    }
}
