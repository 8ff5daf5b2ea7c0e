#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Transcoder {
    /// Encodes `seconds` of synthetic 44.1 kHz stereo audio in memory and returns the speed in × realtime,
    /// for `TranscodePlan.estimatedSeconds(encoderSpeed:)`. Measure once at startup and keep the result.
    public func measureEncoderSpeed(seconds: Double = 3) throws -> Double {
        let sampleRate = 44100
        let encoder = try LameEncoder(sampleRate: sampleRate, channels: 2, settings: settings)
        defer { encoder.close() }
        var block = [Float](repeating: 0, count: blockFrames * 2)
        var state: UInt32 = 0x1234_5678
        let totalFrames = Int(seconds * Double(sampleRate))
        let clock = ContinuousClock()
        let start = clock.now
        var frame = 0
        while frame < totalFrames {
            let count = min(blockFrames, totalFrames - frame)
            for index in 0..<count {
                // A chord plus a little noise, so VBR has something to work on.
                let time = Float(frame + index) / Float(sampleRate)
                state = state &* 1_664_525 &+ 1_013_904_223
                let noise = Float(state >> 8) / Float(1 << 24) - 0.5
                let low: Float = 0.3 * sinf(2 * Float.pi * 220 * time)
                let high: Float = 0.2 * sinf(2 * Float.pi * 331 * time)
                let tone = low + high
                block[index * 2] = tone + 0.05 * noise
                block[index * 2 + 1] = tone - 0.05 * noise
            }
            _ = try block.withUnsafeBufferPointer { samples in
                try encoder.encode(UnsafeBufferPointer(rebasing: samples[0..<count * 2]))
            }
            frame += count
        }
        _ = try encoder.flush()
        let elapsed = clock.now - start
        let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds / max(elapsedSeconds, 1e-6)
    }
}
