/// The exact shape of a CBR MP3 transcode, known before a single sample is encoded: its length, its Info frame,
/// and which bytes hold which time. This is what lets a transcode announce `Content-Length` and answer `Range`
/// on its first play.
///
/// Byte ↔ time mapping. Every frame is `frameBytes = 144 000 × kbps / sampleRate` bytes (the profile's rates
/// never need padding). Frame 0 is the Xing "Info" frame with the LAME tag (frame count, byte count, encoder
/// delay and padding), built here rather than by LAME, because it leaves first, long before the encode ends.
/// Audio frame `k` (stream frame `k + 1`, at byte `frameBytes × (k + 1)`) is the one LAME makes from output samples
/// `k × 1152 − 576 …`: LAME delays its input by 576 samples and ends with `endPadding` samples of silence, so
///
///     audioFrames = (576 + samples + endPadding) / 1152, endPadding = 1152 − (576 + samples) mod 1152 (+1152 if < 576)
///     totalBytes  = frameBytes × (audioFrames + 1)
///     time t      ≈ byte frameBytes × (1 + ⌊(t × sampleRate + 576) / 1152⌋)
///
/// An encoder started at output sample `k × 1152` (a fresh LAME, its own placeholder frame dropped) makes frames
/// that line up with audio frame `k` of the whole stream and count `audioFrames − k`: a range that starts far
/// ahead of the shared encode gets its own encode, and its bytes sit at the same offsets.
public struct MP3StreamLayout: StreamLayout, Equatable {
    public static let samplesPerFrame = 1152
    /// LAME's encoder delay (ENCDELAY), as written in the LAME tag.
    public static let encoderDelay = 576

    public let profile: StreamProfile
    /// Output samples (per channel) the stream carries, at `profile.sampleRate`.
    public let samples: Int64
    public let frameBytes: Int
    public let audioFrames: Int64
    public let endPadding: Int

    public init(profile: StreamProfile, samples: Int64) {
        self.profile = profile
        self.samples = max(samples, 0)
        frameBytes = 144_000 * profile.kbps / profile.sampleRate
        let spf = Int64(Self.samplesPerFrame)
        let delayed = Int64(Self.encoderDelay) + self.samples
        var padding = spf - delayed % spf
        if padding < Int64(Self.encoderDelay) { padding += spf }
        endPadding = Int(padding)
        audioFrames = (delayed + padding) / spf
    }

    public var totalBytes: Int64 { Int64(frameBytes) * (audioFrames + 1) }
    public var durationSeconds: Double { Double(samples) / Double(profile.sampleRate) }

    /// The stream frame (0 = the Info frame) that holds byte `offset`, and where it starts.
    public func segment(containing offset: Int64) -> (index: Int64, start: Int64) {
        let frame = offset / Int64(frameBytes)
        return (frame, frame * Int64(frameBytes))
    }

    /// The 4-byte header every frame of this stream carries: MPEG-1 Layer III, no CRC, joint stereo or mono,
    /// "original" set as LAME does.
    public var frameHeader: [UInt8] {
        let bitrateIndex = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
            .firstIndex(of: profile.kbps) ?? 0
        let rateIndex = [44_100: 0, 48_000: 1, 32_000: 2][profile.sampleRate] ?? 0
        let mode: UInt8 = profile.channels == 1 ? 0xC0 : 0x40
        return [0xFF, 0xFB, UInt8(bitrateIndex << 4 | rateIndex << 2), mode | 0x04]
    }

    /// A frame that decodes to silence (empty side information, no main data, nothing borrowed from the bit
    /// reservoir): fills the stream up to its announced length should the encoder end a frame early.
    public var silentFrame: [UInt8] {
        frameHeader + [UInt8](repeating: 0, count: frameBytes - 4)
    }

    /// The Xing "Info" frame with its LAME extension, as LAME would write it for this stream at the end.
    public var infoFrame: [UInt8] {
        var frame = frameHeader + [UInt8](repeating: 0, count: frameBytes - 4)
        var position = 4 + (profile.channels == 1 ? 17 : 32)   // after the (empty) side information
        func put(_ bytes: [UInt8]) {
            frame.replaceSubrange(position..<position + bytes.count, with: bytes)
            position += bytes.count
        }
        func bigEndian(_ value: Int64, _ count: Int) -> [UInt8] {
            (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        put(Array("Info".utf8))
        put(bigEndian(0x0F, 4))                       // frames, bytes, TOC and quality present
        put(bigEndian(audioFrames, 4))
        put(bigEndian(totalBytes, 4))
        put((0..<100).map { UInt8($0 * 256 / 100) })  // CBR: byte position is proportional to time
        put(bigEndian(0, 4))                          // quality indicator
        put(Array("LAME3.100".utf8))
        put([0x01])                                   // tag revision 0, CBR
        put([UInt8(min(profile.sampleRate / 2 / 100, 255))])   // lowpass / 100 Hz (informative)
        put([UInt8](repeating: 0, count: 8))          // no ReplayGain
        put([0x00])                                   // encoding flags, ATH type
        put([UInt8(min(profile.kbps, 255))])
        let delay = Self.encoderDelay
        put([UInt8(delay >> 4), UInt8((delay & 0x0F) << 4 | endPadding >> 8), UInt8(endPadding & 0xFF)])
        put([0x00, 0x00])                             // misc, MP3 gain
        put([0x00, 0x00])                             // preset, surround
        put(bigEndian(totalBytes, 4))                 // music length
        put([0x00, 0x00])                             // music CRC: unknown when this frame is sent
        put(bigEndian(Int64(Self.crc16(frame[0..<position])), 2))
        return frame
    }

    /// CRC-16/ARC (polynomial 0x8005, reflected), the LAME tag's checksum over the frame before the checksum.
    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }
}
