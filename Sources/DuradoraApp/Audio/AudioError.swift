/// Failures of the audio pipeline. Input errors (`undecodable`, `truncated`, `decode`, `unsupported`) mean the upload itself is bad
/// (HTTP 415); the others are server-side problems.
public enum AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libsndfile (or the MP3 parser) cannot make sense of the input: not audio, unknown format, no frames.
    case undecodable(String)
    /// The container declares more audio than the file holds (an interrupted upload, a lying header).
    case truncated(String)
    /// The input opened but failed while being decoded.
    case decode(String)
    /// The input decodes but cannot become an MP3 (a sample rate LAME cannot resample, for instance).
    case unsupported(String)
    /// LAME refused the configuration or failed while encoding.
    case encode(String)
    /// A file-system call failed; `code` is the errno captured at the call site.
    case io(operation: String, path: String, code: Int32)
    /// An ID3 tag could not be parsed or written.
    case invalidTag(String)
    /// The caller's progress handler asked to stop.
    case cancelled

    /// True when the input file is to blame (answer 415), false for server-side failures.
    public var isInputError: Bool {
        switch self {
        case .undecodable, .truncated, .decode, .unsupported: true
        case .encode, .io, .invalidTag, .cancelled: false
        }
    }

    public var description: String {
        switch self {
        case .undecodable(let reason): "undecodable audio: \(reason)"
        case .truncated(let reason): "truncated audio: \(reason)"
        case .decode(let reason): "decoding failed: \(reason)"
        case .unsupported(let reason): "unsupported audio: \(reason)"
        case .encode(let reason): "encoding failed: \(reason)"
        case .io(let operation, let path, let code): "\(operation) \(path) failed: errno \(code)"
        case .invalidTag(let reason): "invalid ID3 tag: \(reason)"
        case .cancelled: "cancelled"
        }
    }
}
