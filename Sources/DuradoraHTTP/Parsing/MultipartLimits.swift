/// Bounds a `MultipartParser` enforces; exceeding one is a 413.
public struct MultipartLimits: Sendable, Equatable {
    /// Bytes of one part's header section, up to and including the blank line.
    public var maxHeaderBytes: Int
    /// Number of parts in one body.
    public var maxParts: Int

    public init(maxHeaderBytes: Int = 16_384, maxParts: Int = 1_000) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxParts = maxParts
    }
}
