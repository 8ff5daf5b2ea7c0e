/// How LAME encodes: constant bitrate (config `audio.bitrate`) or VBR quality (config `audio.vbr_quality`).
public struct MP3EncoderSettings: Sendable, Hashable {
    public enum Mode: Sendable, Hashable {
        /// Constant bitrate in kbps (LAME picks the nearest legal bitrate for the output sample rate).
        case constantBitrate(kbps: Int)
        /// VBR quality 0 (best, largest) … 9 (smallest), LAME's `-V`.
        case variableBitrate(quality: Int)
    }

    public var mode: Mode
    /// LAME's algorithm quality 0 (best, slowest) … 9 (fastest); nil keeps LAME's default.
    public var algorithmQuality: Int?

    public init(mode: Mode, algorithmQuality: Int? = nil) {
        self.mode = mode
        self.algorithmQuality = algorithmQuality
    }

    public static func constantBitrate(_ kbps: Int) -> MP3EncoderSettings {
        MP3EncoderSettings(mode: .constantBitrate(kbps: kbps))
    }

    public static func variableBitrate(quality: Int) -> MP3EncoderSettings {
        MP3EncoderSettings(mode: .variableBitrate(quality: quality))
    }

    /// VBR -V 2 (about 190 kbps for music), LAME's recommended transparent setting.
    public static let standard = variableBitrate(quality: 2)

    /// The settings `[audio]` asks for: CBR at `bitrate`, or VBR at `vbr_quality` when `bitrate` is 0.
    public init(_ audio: Configuration.Audio) {
        self = audio.isVBR ? .variableBitrate(quality: audio.vbrQuality) : .constantBitrate(audio.bitrate)
    }
}
