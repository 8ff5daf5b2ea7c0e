/// A stored track as interleaved `Float` samples at another rate, cut to an exact sample count: decode
/// (libsndfile), seek, resample (libsoxr), then silence up to the count should the resampler's rounding or a
/// slightly optimistic declared length leave it short. What both stream encoders feed on. Blocking.
struct ResampledPCM {
    let source: SourceAudio
    let rate: Int
    var blockFrames = 4096

    /// Calls `body` with consecutive blocks totalling exactly `count` frames from output sample `start` (at `rate`,
    /// `min(source.channels, 2)` channels: a surround source is mixed down to stereo before resampling, since
    /// neither LAME nor a stereo Opus stream takes more). `body` returning false stops early: then this returns false.
    /// A source that fails to decode, or ends well before its declared length, throws.
    func read(from start: Int64, count: Int64, _ body: (UnsafeBufferPointer<Float>) throws -> Bool) throws -> Bool {
        var remaining = count
        let sound = try SoundFile(readingFrom: source.path)
        defer { try? sound.close() }
        let channels = min(sound.channels, 2)
        let downmixer = sound.channels > 2 ? Downmixer(inputChannels: sound.channels) : nil
        let sourceStart = start * Int64(sound.sampleRate) / Int64(rate)
        if sourceStart > 0 { try sound.seek(toFrame: min(sourceStart, sound.frames)) }
        let resampler = sound.sampleRate == rate ? nil
            : try SoxrResampler(inputRate: sound.sampleRate, outputRate: rate, channels: channels)
        func pass(_ samples: UnsafeBufferPointer<Float>) throws -> Bool {
            let frames = min(Int64(samples.count / channels), remaining)
            guard frames > 0 else { return true }
            remaining -= frames
            return try body(UnsafeBufferPointer(rebasing: samples[0..<Int(frames) * channels]))
        }
        func feed(_ samples: UnsafeBufferPointer<Float>) throws -> Bool {
            guard let resampler else { return try pass(samples) }
            return try resampler.process(samples).withUnsafeBufferPointer { try pass($0) }
        }
        var block = [Float](repeating: 0, count: blockFrames * sound.channels)
        var mixed = [Float](repeating: 0, count: downmixer == nil ? 0 : blockFrames * 2)
        var decoded: Int64 = 0
        while remaining > 0 {
            let frames = try block.withUnsafeMutableBufferPointer { try sound.readFrames(into: $0) }
            if frames == 0 { break }
            decoded += Int64(frames)
            let going: Bool
            if let downmixer {
                block.withUnsafeBufferPointer { input in
                    mixed.withUnsafeMutableBufferPointer { downmixer.mix(input, frames: frames, into: $0) }
                }
                going = try mixed.withUnsafeBufferPointer { try feed(UnsafeBufferPointer(rebasing: $0[0..<frames * 2])) }
            } else {
                going = try block.withUnsafeBufferPointer { try feed(UnsafeBufferPointer(rebasing: $0[0..<frames * channels])) }
            }
            guard going else { return false }
        }
        // A decoder that stops well short of what the file declared: the file is broken; never pass it off as whole.
        let expected = max(sound.frames - sourceStart, 0)
        if remaining > 0 && decoded + 2304 < expected {
            throw AudioError.truncated("decoded \(decoded) of \(expected) frames from \(source.path)")
        }
        if let resampler, remaining > 0 {
            guard try resampler.flush().withUnsafeBufferPointer({ try pass($0) }) else { return false }
        }
        let silence = [Float](repeating: 0, count: blockFrames * channels)
        while remaining > 0 {
            guard try silence.withUnsafeBufferPointer({ try pass($0) }) else { return false }
        }
        return true
    }
}
