import CLame
import Foundation

/// A configured LAME encoder. Feed it interleaved `Float` frames (1 or 2 channels; downmix first), write what it
/// returns, then `flush()`, then write `lameTagFrame()` over the first frame of the output (the placeholder LAME
/// wrote there) so players know the exact duration and gapless trim. Not thread-safe.
public final class LameEncoder {
    public let inputSampleRate: Int
    public let channels: Int
    /// The MP3 sample rate: the input rate when MP3 allows it, otherwise LAME's choice.
    public let outputSampleRate: Int
    private var flags: OpaquePointer?
    private var buffer: [UInt8] = []

    /// The sample rates MPEG-1/2/2.5 Layer III can carry.
    private static let initialisationLock = NSLock()

    public static let legalSampleRates: Set<Int> = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]

    public init(sampleRate: Int, channels: Int, settings: MP3EncoderSettings) throws {
        guard channels == 1 || channels == 2 else {
            throw AudioError.encode("LAME takes 1 or 2 channels, not \(channels); downmix first")
        }
        guard sampleRate > 0, sampleRate <= 768_000 else {
            throw AudioError.encode("unsupported sample rate \(sampleRate)")
        }
        // LAME fills process-wide lookup tables (pow43, ipow20, …) while it initialises an encoder; one
        // initialisation at a time keeps concurrent transcodes from racing on them.
        Self.initialisationLock.lock()
        defer { Self.initialisationLock.unlock() }
        guard let flags = lame_init() else { throw AudioError.encode("lame_init failed") }
        lame_set_num_channels(flags, Int32(channels))
        lame_set_in_samplerate(flags, Int32(sampleRate))
        lame_set_out_samplerate(flags, Self.legalSampleRates.contains(sampleRate) ? Int32(sampleRate) : 0)
        lame_set_mode(flags, channels == 1 ? MONO : JOINT_STEREO)
        switch settings.mode {
        case .constantBitrate(let kbps):
            lame_set_VBR(flags, vbr_off)
            lame_set_brate(flags, Int32(min(max(kbps, 8), 320)))
        case .variableBitrate(let quality):
            lame_set_VBR(flags, vbr_default)
            lame_set_VBR_q(flags, Int32(min(max(quality, 0), 9)))
        }
        if let quality = settings.algorithmQuality { lame_set_quality(flags, Int32(min(max(quality, 0), 9))) }
        lame_set_write_id3tag_automatic(flags, 0)
        lame_set_bWriteVbrTag(flags, 1)
        guard lame_init_params(flags) >= 0 else {
            lame_close(flags)
            throw AudioError.encode("LAME rejected \(sampleRate) Hz, \(channels) channels, \(settings.mode)")
        }
        self.flags = flags
        self.inputSampleRate = sampleRate
        self.channels = channels
        self.outputSampleRate = Int(lame_get_out_samplerate(flags))
    }

    deinit {
        if let flags { lame_close(flags) }
    }

    /// Frees the encoder; idempotent.
    public func close() {
        if let flags { lame_close(flags) }
        flags = nil
    }

    /// Encodes interleaved frames (`samples.count` a multiple of `channels`); returns MP3 bytes, possibly none yet.
    public func encode(_ samples: UnsafeBufferPointer<Float>) throws -> ArraySlice<UInt8> {
        guard let flags else { throw AudioError.encode("encoder closed") }
        precondition(samples.count % channels == 0, "partial frame")
        let frameCount = samples.count / channels
        guard frameCount > 0, let base = samples.baseAddress else { return [] }
        let capacity = frameCount + frameCount / 4 + 7200          // LAME's worst case: 1.25 n + 7200
        if buffer.count < capacity { buffer = [UInt8](repeating: 0, count: capacity) }
        let count = buffer.withUnsafeMutableBufferPointer { output in
            if channels == 1 {
                // Mono: the same pointer for both arguments; LAME reads only the left one.
                lame_encode_buffer_ieee_float(flags, base, base, Int32(frameCount), output.baseAddress, Int32(capacity))
            } else {
                lame_encode_buffer_interleaved_ieee_float(flags, base, Int32(frameCount), output.baseAddress,
                                                          Int32(capacity))
            }
        }
        guard count >= 0 else { throw AudioError.encode("lame_encode_buffer returned \(count)") }
        return buffer[0..<Int(count)]
    }

    /// Ends the stream: returns the last frames LAME held back.
    public func flush() throws -> ArraySlice<UInt8> {
        guard let flags else { throw AudioError.encode("encoder closed") }
        let capacity = 7200 * 2
        if buffer.count < capacity { buffer = [UInt8](repeating: 0, count: capacity) }
        let count = buffer.withUnsafeMutableBufferPointer { output in
            lame_encode_flush(flags, output.baseAddress, Int32(capacity))
        }
        guard count >= 0 else { throw AudioError.encode("lame_encode_flush returned \(count)") }
        return buffer[0..<Int(count)]
    }

    /// The final Xing/Info + LAME tag frame, to overwrite the first frame of the output after `flush()`.
    public func lameTagFrame() throws -> [UInt8] {
        guard let flags else { throw AudioError.encode("encoder closed") }
        var frame = [UInt8](repeating: 0, count: 2880)   // the largest Layer III frame
        let size = frame.withUnsafeMutableBufferPointer { lame_get_lametag_frame(flags, $0.baseAddress, $0.count) }
        guard size > 0, size <= frame.count else { throw AudioError.encode("no LAME tag frame (size \(size))") }
        return Array(frame[0..<size])
    }
}

@available(*, unavailable)
extension LameEncoder: Sendable {}
