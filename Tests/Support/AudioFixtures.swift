import DuradoraApp
import Foundation

/// Real audio files generated on the spot with libsndfile (through `SoundFile`) and our own encoder, plus the
/// broken variants the upload path must refuse. Nothing is checked in as a blob.
public enum AudioFixtures {
    /// Writes `seconds` of a sine tone (a different pitch per channel, so channel mix-ups show) with a little
    /// noise when `noise` > 0 (gives VBR something to vary on). Written in blocks, like real encoders do.
    /// Returns the number of frames written.
    @discardableResult
    public static func writeTone(
        to path: String, format: SoundFileFormat = .wav16, seconds: Double = 1, sampleRate: Int = 44100,
        channels: Int = 2, frequency: Double = 440, noise: Float = 0, tag: ID3Tag? = nil
    ) throws -> Int {
        let file = try SoundFile(writingTo: path, format: format, sampleRate: sampleRate, channels: channels)
        if let tag { try file.setEmbeddedTag(tag) }
        let totalFrames = Int(seconds * Double(sampleRate))
        let blockFrames = 4096
        var block = [Float](repeating: 0, count: blockFrames * channels)
        var state: UInt32 = 0x9E37_79B9
        var frame = 0
        while frame < totalFrames {
            let count = min(blockFrames, totalFrames - frame)
            for index in 0..<count {
                let time = Double(frame + index) / Double(sampleRate)
                for channel in 0..<channels {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    let random = Float(state >> 8) / Float(1 << 24) - 0.5
                    let pitch = frequency * (1 + 0.25 * Double(channel))
                    block[index * channels + channel] = 0.5 * Float(sin(2 * Double.pi * pitch * time)) + noise * random
                }
            }
            try block.withUnsafeBufferPointer { try file.writeFrames(UnsafeBufferPointer(rebasing: $0[0..<count * channels])) }
            frame += count
        }
        try file.close()
        return totalFrames
    }

    /// An MP3 made by our own transcoder from a generated WAV (the WAV is removed again).
    @discardableResult
    public static func writeMP3(
        to path: String, seconds: Double = 1, sampleRate: Int = 44100, channels: Int = 2,
        settings: MP3EncoderSettings = .constantBitrate(128), tag: ID3Tag? = nil
    ) throws -> AudioInfo {
        let wavPath = path + ".source.wav"
        defer { try? FileManager.default.removeItem(atPath: wavPath) }
        try writeTone(to: wavPath, seconds: seconds, sampleRate: sampleRate, channels: channels, noise: 0.05)
        return try Transcoder(settings: settings).transcode(from: wavPath, to: path, tag: tag)
    }

    /// Decodes a file completely with libsndfile and returns its frame count, rate and channels.
    public static func decode(_ path: String) throws -> (frames: Int, sampleRate: Int, channels: Int) {
        let file = try SoundFile(readingFrom: path)
        defer { try? file.close() }
        var buffer = [Float](repeating: 0, count: 8192 * file.channels)
        var frames = 0
        while true {
            let count = try buffer.withUnsafeMutableBufferPointer { try file.readFrames(into: $0) }
            if count == 0 { break }
            frames += count
        }
        return (frames, file.sampleRate, file.channels)
    }

    // MARK: - Broken inputs

    /// Cuts a file down to its first `fraction` of bytes, as an interrupted upload would.
    public static func truncate(_ path: String, keeping fraction: Double) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(Double(try fileSize(path)) * fraction))
    }

    /// Rewrites a WAV's `data` chunk size to claim `factor` times the audio the file holds.
    public static func inflateDeclaredDataLength(ofWAV path: String, by factor: UInt32 = 10) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let range = bytes.range(of: Data("data".utf8)) else { throw POSIXError(.EINVAL) }
        let sizeOffset = range.upperBound
        let size = bytes[sizeOffset..<sizeOffset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        withUnsafeBytes(of: (size * factor).littleEndian) { bytes.replaceSubrange(sizeOffset..<sizeOffset + 4, with: $0) }
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    public static func writeText(to path: String) throws {
        try Data("This is not audio.\nJust a few lines of text.\n".utf8).write(to: URL(fileURLWithPath: path))
    }

    public static func writeEmpty(to path: String) throws {
        try Data().write(to: URL(fileURLWithPath: path))
    }

    public static func fileSize(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }
}
