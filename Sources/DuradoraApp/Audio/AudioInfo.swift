/// What the stored MP3 holds, as the track object reports it. A plain value: safe to pass between queues.
public struct AudioInfo: Sendable, Equatable {
    public var durationSeconds: Double
    public var sampleRate: Int
    public var channels: Int
    /// kbps; the average for VBR.
    public var bitrate: Int
    public var sizeBytes: Int64
    /// True when the input was already MP3 and was stored without re-encoding.
    public var wasStoredAsIs: Bool
    /// libsndfile's name for the input format, e.g. "WAV (Microsoft)" or "MPEG-1/2 Audio".
    public var sourceFormat: String
    /// Metadata found in the input (ID3v2 for MP3, RIFF INFO / Vorbis comments / … otherwise), for pre-filling
    /// title and artist when the upload gives none. Empty when there was none.
    public var sourceTag: ID3Tag

    public init(
        durationSeconds: Double, sampleRate: Int, channels: Int, bitrate: Int, sizeBytes: Int64,
        wasStoredAsIs: Bool, sourceFormat: String, sourceTag: ID3Tag
    ) {
        self.durationSeconds = durationSeconds
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrate = bitrate
        self.sizeBytes = sizeBytes
        self.wasStoredAsIs = wasStoredAsIs
        self.sourceFormat = sourceFormat
        self.sourceTag = sourceTag
    }
}

/// How far a transcode has got; handed to the progress handler after every block.
public struct TranscodeProgress: Sendable, Equatable {
    public var framesDone: Int64
    /// The container's frame count (an estimate for some formats).
    public var framesTotal: Int64

    public var fraction: Double {
        framesTotal > 0 ? min(1, Double(framesDone) / Double(framesTotal)) : 0
    }
}

/// What a transcode of a given file would involve, known after opening it (cheap: headers only).
public struct TranscodePlan: Sendable, Equatable {
    /// True when the input is MP3 and will be validated and stored as is.
    public var isStoredAsIs: Bool
    public var frames: Int64
    public var sampleRate: Int
    public var channels: Int

    public var durationSeconds: Double { Double(frames) / Double(sampleRate) }

    /// Estimated wall-clock seconds, given the encoder speed in × realtime that `Transcoder.measureEncoderSpeed`
    /// measured on 44.1 kHz stereo. LAME's work grows with the sample rate (above 48 kHz it resamples first) and
    /// mono costs a bit more than half of stereo; storing an MP3 as is only decodes it, about ten times faster.
    public func estimatedSeconds(encoderSpeed: Double) -> Double {
        let speed = max(encoderSpeed, 0.01)
        if isStoredAsIs { return durationSeconds / (speed * 10) }
        let rateFactor = max(Double(sampleRate) / 44100, 0.25)
        let channelFactor = channels == 1 ? 0.6 : 1
        return durationSeconds * rateFactor * channelFactor / speed
    }

    /// True when the transcode is expected to outlast `syncLimitSeconds` (`audio.sync_encode_seconds`), so the
    /// upload should answer 202 and finish in the background. A limit of 0 means always in the background.
    public func shouldRunInBackground(encoderSpeed: Double, syncLimitSeconds: Int) -> Bool {
        syncLimitSeconds <= 0 || estimatedSeconds(encoderSpeed: encoderSpeed) > Double(syncLimitSeconds)
    }
}
