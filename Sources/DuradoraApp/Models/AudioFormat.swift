/// The container/codec of a stored file, as the API's `format` names it and `/stream` labels it.
public enum AudioFormat: String, Sendable, Hashable, CaseIterable {
    case mp3, flac, ogg, opus, wav, aiff

    /// The `Content-Type` the stored file is served with.
    public var contentType: String {
        switch self {
        case .mp3: "audio/mpeg"
        case .flac: "audio/flac"
        case .ogg: "audio/ogg"
        case .opus: "audio/ogg; codecs=opus"
        case .wav: "audio/wav"
        case .aiff: "audio/aiff"
        }
    }

    /// The format a file name's extension says, for files found on disk; nil for anything else.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "mp3": self = .mp3
        case "flac": self = .flac
        case "ogg", "oga": self = .ogg
        case "opus": self = .opus
        case "wav", "wave": self = .wav
        case "aif", "aiff": self = .aiff
        default: return nil
        }
    }
}
