/// Encodes a stored track into the bytes of an `MP3StreamLayout`, from any stream frame on: decode (libsndfile),
/// resample to the profile's rate (libsoxr), encode CBR (LAME). The output is exactly the layout's bytes from
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
        var remaining = max(layout.samples - firstAudioFrame * spf, 0)
        let profile = layout.profile
        let sound = try SoundFile(readingFrom: source.path)
        defer { try? sound.close() }
        let sourceStart = (firstSample + firstAudioFrame * spf) * Int64(sound.sampleRate) / Int64(profile.sampleRate)
        if sourceStart > 0 { try sound.seek(toFrame: min(sourceStart, sound.frames)) }
        let resampler = sound.sampleRate == profile.sampleRate ? nil
            : try SoxrResampler(inputRate: sound.sampleRate, outputRate: profile.sampleRate, channels: sound.channels)
        let encoder = try LameEncoder(sampleRate: profile.sampleRate, channels: sound.channels,
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
        func encode(_ samples: UnsafeBufferPointer<Float>) throws -> Bool {
            let frames = min(Int64(samples.count / sound.channels), remaining)
            guard frames > 0 else { return true }
            remaining -= frames
            return try deliver(try encoder.encode(UnsafeBufferPointer(rebasing: samples[0..<Int(frames) * sound.channels])))
        }

        var block = [Float](repeating: 0, count: blockFrames * sound.channels)
        var decoded: Int64 = 0
        while remaining > 0 {
            let count = try block.withUnsafeMutableBufferPointer { try sound.readFrames(into: $0) }
            if count == 0 { break }
            decoded += Int64(count)
            let going = try block.withUnsafeBufferPointer { input -> Bool in
                let samples = UnsafeBufferPointer(rebasing: input[0..<count * sound.channels])
                guard let resampler else { return try encode(samples) }
                return try resampler.process(samples).withUnsafeBufferPointer { try encode($0) }
            }
            guard going else { return }
        }
        // A decoder that stops well short of what the file declared: the file is broken; never pass it off as whole.
        let expected = max(sound.frames - sourceStart, 0)
        if remaining > 0 && decoded + 2 * spf < expected {
            throw AudioError.truncated("decoded \(decoded) of \(expected) frames from \(source.path)")
        }
        if let resampler, remaining > 0 {
            guard try resampler.flush().withUnsafeBufferPointer({ try encode($0) }) else { return }
        }
        // Rounding in the resampler or a slightly optimistic declared length: silence up to the announced count.
        let silence = [Float](repeating: 0, count: blockFrames * sound.channels)
        while remaining > 0 {
            guard try silence.withUnsafeBufferPointer({ try encode($0) }) else { return }
        }
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
