/// Encodes a stored track into the bytes of an `MP3StreamLayout`, from any stream frame on: samples from
/// `ResampledPCM` at the profile's rate, encoded CBR (LAME). The output is exactly the layout's bytes from
/// that frame: the layout's own Info frame first when starting at 0, LAME's placeholder dropped, the audio cut
/// or filled with silence to the announced sample count, and the frame count forced to the layout's (silent
/// frames, should LAME ever end early). Blocking and CPU-bound: run it on an encoder thread, never an event loop.
public struct MP3StreamEncoder: Sendable {
    /// Where the stored track is and what it holds (from `SourceAudio.probe`).
    public let source: SourceAudio
    public let layout: MP3StreamLayout
    /// The output sample the stream starts at (`time_offset`, in samples at the profile's rate).
    public let firstSample: Int64
    /// Frames decoded per block: also how often `emit` gets a chance to stop the encode (a few ms of work).
    public var blockFrames = 4096

    public init(source: SourceAudio, layout: MP3StreamLayout, firstSample: Int64) {
        self.source = source
        self.layout = layout
        self.firstSample = firstSample
    }

    /// Emits the stream's bytes from stream frame `startFrame` (0 = the Info frame) to the end, in order, a
    /// block at a time. `emit` returning false stops the encode (the last listener left): that is not an error.
    /// A source that fails to decode, or ends well before its declared length, throws (the stream is incomplete).
    public func run(fromFrame startFrame: Int64, emit: ([UInt8]) throws -> Bool) throws {
        let frameBytes = layout.frameBytes
        let spf = Int64(MP3StreamLayout.samplesPerFrame)
        var output = OutputCounter(limit: Int64(frameBytes) * (layout.audioFrames + 1 - startFrame))
        if startFrame == 0 {
            guard try output.emit(layout.infoFrame, emit) else { return }
        }
        let firstAudioFrame = max(startFrame - 1, 0)
        let remaining = max(layout.samples - firstAudioFrame * spf, 0)
        let profile = layout.profile
        let encoder = try LameEncoder(sampleRate: profile.sampleRate, channels: profile.channels,
                                      settings: MP3EncoderSettings(mode: .constantBitrate(kbps: profile.kbps),
                                                                   algorithmQuality: 5))
        defer { encoder.close() }
        var placeholder = frameBytes   // LAME's own (empty) Info frame: ours went out instead
        func deliver(_ bytes: ArraySlice<UInt8>) throws -> Bool {
            var bytes = bytes
            let skipped = min(placeholder, bytes.count)
            placeholder -= skipped
            bytes = bytes.dropFirst(skipped)
            return bytes.isEmpty ? true : try output.emit(Array(bytes), emit)
        }
        let pcm = ResampledPCM(source: source, rate: profile.sampleRate, blockFrames: blockFrames)
        guard try pcm.read(from: firstSample + firstAudioFrame * spf, count: remaining, {
            try deliver(try encoder.encode($0))
        }) else { return }
        guard try deliver(try encoder.flush()) else { return }
        while output.remaining > 0 {
            guard try output.emit(layout.silentFrame, emit) else { return }
        }
    }
}

/// Passes bytes on up to the announced length and no further.
private struct OutputCounter {
    private(set) var remaining: Int64

    init(limit: Int64) {
        remaining = limit
    }

    mutating func emit(_ bytes: [UInt8], _ emit: ([UInt8]) throws -> Bool) throws -> Bool {
        guard remaining > 0 else { return true }
        let count = Int(min(Int64(bytes.count), remaining))
        remaining -= Int64(count)
        return try emit(count == bytes.count ? bytes : Array(bytes[0..<count]))
    }
}
