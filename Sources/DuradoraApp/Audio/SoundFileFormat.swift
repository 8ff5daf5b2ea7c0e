import CSndFile

/// A file format libsndfile can write: a container plus, for PCM containers, a bit depth.
public struct SoundFileFormat: Sendable, Hashable, CustomStringConvertible {
    public enum Container: String, Sendable, Hashable {
        case wav, aiff, flac, oggVorbis, oggOpus, mp3
    }

    public var container: Container
    /// 8, 16, 24 or 32 for WAV and AIFF (32 = float for WAV), 8/16/24 for FLAC; ignored by lossy containers.
    public var bitDepth: Int

    public init(_ container: Container, bitDepth: Int = 16) {
        self.container = container
        self.bitDepth = bitDepth
    }

    public static let wav16 = SoundFileFormat(.wav, bitDepth: 16)
    public static let wav24 = SoundFileFormat(.wav, bitDepth: 24)
    public static let aiff16 = SoundFileFormat(.aiff, bitDepth: 16)
    public static let flac16 = SoundFileFormat(.flac, bitDepth: 16)
    public static let oggVorbis = SoundFileFormat(.oggVorbis)
    public static let mp3 = SoundFileFormat(.mp3)

    public var fileExtension: String {
        switch container {
        case .wav: "wav"
        case .aiff: "aiff"
        case .flac: "flac"
        case .oggVorbis, .oggOpus: "ogg"
        case .mp3: "mp3"
        }
    }

    public var description: String {
        switch container {
        case .wav, .aiff, .flac: "\(container.rawValue) \(bitDepth)-bit"
        case .oggVorbis, .oggOpus, .mp3: container.rawValue
        }
    }

    /// The `SF_FORMAT_*` value for `SF_INFO.format`.
    func sndfileFormat() throws -> Int32 {
        let major: Int
        var subtype: Int
        switch container {
        case .wav: major = SF_FORMAT_WAV
        case .aiff: major = SF_FORMAT_AIFF
        case .flac: major = SF_FORMAT_FLAC
        case .oggVorbis: return Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        case .oggOpus: return Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS)
        case .mp3: return Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        }
        switch bitDepth {
        case 8: subtype = Int(container == .wav ? SF_FORMAT_PCM_U8 : SF_FORMAT_PCM_S8)
        case 16: subtype = SF_FORMAT_PCM_16
        case 24: subtype = SF_FORMAT_PCM_24
        case 32 where container == .wav: subtype = SF_FORMAT_FLOAT
        case 32 where container == .aiff: subtype = SF_FORMAT_PCM_32
        default: throw AudioError.encode("\(container.rawValue) cannot be written with \(bitDepth)-bit samples")
        }
        if container == .flac && bitDepth == 8 { subtype = SF_FORMAT_PCM_S8 }
        return Int32(major | subtype)
    }
}
