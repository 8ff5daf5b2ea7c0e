/// What a transcode produces: the format, the bitrate and the sample rate the encoder runs at.
///
/// MP3 bitrates come from a fixed ladder, each with an output rate at which every Layer III frame has the same
/// length (`144 000 × kbps / rate` is a whole number, so LAME never pads a frame): 48 kHz from 112 kbps up,
/// 32 kHz up to 96 kbps — the rate LAME itself picks there (`lame -b 96` resamples 44.1 kHz to 32 kHz), because its
/// lowpass at those bitrates (15.1 kHz at 96 kbps) is below 16 kHz anyway: a third fewer frames to encode than at
/// 48 kHz and more bits in each. The lowest rung (48 kbps) is the smallest frame that still holds the Info tag.
public struct StreamProfile: Sendable, Hashable, CustomStringConvertible {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case mp3
        case opus
    }

    public let format: Format
    public let kbps: Int
    public let sampleRate: Int
    /// 1 or 2: sources with more channels are mixed down.
    public let channels: Int

    public static let mp3Bitrates = [48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]

    /// The profile for a limit of `maxKbps`: the highest bitrate of the ladder at or below it; nil when the limit
    /// is below the lowest rung.
    public static func mp3(maxKbps: Int, sourceChannels: Int) -> StreamProfile? {
        guard let kbps = mp3Bitrates.last(where: { $0 <= maxKbps }) else { return nil }
        return StreamProfile(format: .mp3, kbps: kbps, sampleRate: kbps >= 112 ? 48_000 : 32_000,
                             channels: min(max(sourceChannels, 1), 2))
    }

    public static let opusBitrates = [16, 24, 32, 48, 64, 96, 128, 160, 192, 256]

    /// Ogg Opus (always 48 kHz) at the highest of `opusBitrates` at or below `maxKbps`; nil below the lowest.
    public static func opus(maxKbps: Int, sourceChannels: Int) -> StreamProfile? {
        guard let kbps = opusBitrates.last(where: { $0 <= maxKbps }) else { return nil }
        return StreamProfile(format: .opus, kbps: kbps, sampleRate: 48_000, channels: min(max(sourceChannels, 1), 2))
    }

    /// The part of a cache file name (and ETag) that names the profile, e.g. `mp3-128`.
    public var description: String { "\(format.rawValue)-\(kbps)" }

    public var contentType: String {
        switch format {
        case .mp3: "audio/mpeg"
        case .opus: "audio/ogg"
        }
    }

    public var fileExtension: String {
        switch format {
        case .mp3: "mp3"
        case .opus: "opus"
        }
    }
}
