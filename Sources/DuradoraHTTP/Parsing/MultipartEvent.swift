/// What a `MultipartParser` yields, in order: for each part one `.partBegin`, zero or more `.partData`, one
/// `.partEnd`; after the last part one `.end`.
public enum MultipartEvent: Sendable, Equatable {
    case partBegin(MultipartPartHead)
    /// Body bytes of the current part, as soon as they are known not to belong to a delimiter; never empty.
    case partData([UInt8])
    case partEnd
    /// The closing `--boundary--` was seen; anything after it (the epilogue) is ignored.
    case end
}
