import Foundation

/// One import of music folders: progress while it runs, the summary once it ended (contract, "Library").
public struct LibraryScan: Sendable, Equatable, Identifiable {
    public enum State: String, Sendable {
        case running, finished, failed
    }

    /// A file (or folder) the scan could not read, and why. The scan goes on.
    public struct Problem: Sendable, Equatable {
        public var path: String
        public var message: String
    }

    public var id: UUID
    public var state: State
    /// Audio files found so far (by extension), read or skipped as unchanged.
    public var filesSeen = 0
    public var added = 0
    public var updated = 0
    public var removed = 0
    public var failed = 0
    public var errors: [Problem] = []
    public var startedAt: Date
    public var finishedAt: Date?

    public init(id: UUID = UUID(), state: State = .running, startedAt: Date) {
        self.id = id
        self.state = state
        self.startedAt = startedAt
    }

    /// The most problems a scan keeps (the count in `failed` goes on): a folder of 10 000 broken files should not
    /// make a status answer of megabytes.
    static let maxReportedErrors = 200

    mutating func report(_ path: String, _ message: String) {
        failed += 1
        if errors.count < Self.maxReportedErrors { errors.append(Problem(path: path, message: message)) }
    }
}
