/// A stored track's audio as a transcode sees it: the file and what its header declares. Probed once per
/// (file, profile) and kept, since the stream's exact length is computed from it.
public struct SourceAudio: Sendable, Equatable {
    public let path: String
    public let frames: Int64
    public let sampleRate: Int
    public let channels: Int

    public init(path: String, frames: Int64, sampleRate: Int, channels: Int) {
        self.path = path
        self.frames = frames
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Reads the header of the file at `path` (no decoding).
    public static func probe(_ path: String) throws -> SourceAudio {
        let sound = try SoundFile(readingFrom: path)
        defer { try? sound.close() }
        return SourceAudio(path: path, frames: sound.frames, sampleRate: sound.sampleRate, channels: sound.channels)
    }

    /// The samples the whole track has at `rate`.
    public func samples(at rate: Int) -> Int64 {
        frames * Int64(rate) / Int64(sampleRate)
    }

    public var durationSeconds: Double { Double(frames) / Double(sampleRate) }
}
