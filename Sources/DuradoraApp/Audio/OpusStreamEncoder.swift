/// Encodes a stored track to Ogg Opus at a profile's bitrate: samples from `ResampledPCM` at 48 kHz, encoded by
/// libopusenc. Opus pages vary in size, so the length is known only at the end: a live Opus stream is sent
/// chunked, without Range, and gets full Range support once it is a cached file. Blocking: an encoder thread.
public struct OpusStreamEncoder: Sendable {
    public let source: SourceAudio
    public let profile: StreamProfile
    /// The output sample (48 kHz) the stream starts at.
    public let firstSample: Int64
    public var blockFrames = 4096

    public init(source: SourceAudio, profile: StreamProfile, firstSample: Int64) {
        self.source = source
        self.profile = profile
        self.firstSample = firstSample
    }

    public var samples: Int64 { max(source.samples(at: OpusOggEncoder.sampleRate) - firstSample, 0) }
    public var durationSeconds: Double { Double(samples) / Double(OpusOggEncoder.sampleRate) }

    /// Emits the whole stream's bytes in order; `emit` returning false stops (the listener left).
    public func run(emit: ([UInt8]) throws -> Bool) throws {
        let encoder = try OpusOggEncoder(channels: source.channels, kbps: profile.kbps)
        let pcm = ResampledPCM(source: source, rate: OpusOggEncoder.sampleRate, blockFrames: blockFrames)
        guard try pcm.read(from: firstSample, count: samples, { samples in
            let pages = try encoder.encode(samples)
            return pages.isEmpty ? true : try emit(pages)
        }) else { return }
        let last = try encoder.drain()
        if !last.isEmpty { _ = try emit(last) }
    }
}
