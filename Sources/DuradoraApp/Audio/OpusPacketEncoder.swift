import COpus

/// A libopus encoder in hard CBR: every 20 ms frame becomes a packet of exactly `packetBytes` bytes, which is what
/// makes an Ogg Opus transcode's layout computable before encoding (`OpusStreamLayout`). Input is 48 kHz
/// interleaved `Float`, one frame (`frameSamples` per channel) at a time. Not thread-safe.
public final class OpusPacketEncoder {
    public static let sampleRate = 48_000
    /// 20 ms: the frame size libopus is tuned for, and every bitrate of the ladder gives a whole number of bytes.
    public static let frameSamples = 960
    /// libopus's lookahead for `OPUS_APPLICATION_AUDIO` at 48 kHz (2.5 ms + 4 ms delay compensation): the OpusHead
    /// pre-skip. Checked against the encoder's own answer at creation.
    public static let lookahead = 312

    public let channels: Int
    public let packetBytes: Int
    private let encoder: OpaquePointer

    /// libopus's version string ("libopus 1.3.1"), named in the OpusTags vendor field.
    public static let version = String(cString: opus_get_version_string())

    public static func packetBytes(kbps: Int) -> Int { kbps * 1000 / 8 * frameSamples / sampleRate }

    public init(channels: Int, kbps: Int, complexity: Int = 10) throws {
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(Int32(Self.sampleRate), Int32(channels), OPUS_APPLICATION_AUDIO, &error),
              error == OPUS_OK else {
            throw AudioError.encode("libopus: \(String(cString: opus_strerror(error)))")
        }
        self.encoder = encoder
        self.channels = channels
        packetBytes = Self.packetBytes(kbps: kbps)
        var lookahead: Int32 = 0
        guard duradora_opus_set_bitrate(encoder, Int32(kbps * 1000)) == OPUS_OK,
              duradora_opus_set_hard_cbr(encoder) == OPUS_OK,
              duradora_opus_set_complexity(encoder, Int32(complexity)) == OPUS_OK,
              duradora_opus_lookahead(encoder, &lookahead) == OPUS_OK else {
            throw AudioError.encode("libopus refused \(kbps) kbps CBR")
        }
        // Another lookahead would shift every granule position by the difference: refuse rather than drift.
        guard lookahead == Self.lookahead else { throw AudioError.encode("libopus lookahead \(lookahead), expected \(Self.lookahead)") }
    }

    deinit {
        opus_encoder_destroy(encoder)
    }

    /// Encodes one frame (`frameSamples × channels` samples) and appends its packet, exactly `packetBytes` long,
    /// to `output`.
    public func encode(_ frame: UnsafeBufferPointer<Float>, into output: inout [UInt8]) throws {
        precondition(frame.count == Self.frameSamples * channels)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: packetBytes))
        let status = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
            let packet = buffer.baseAddress! + start
            let length = opus_encode_float(encoder, frame.baseAddress!, Int32(Self.frameSamples), packet, Int32(packetBytes))
            // Hard CBR pads every packet to the size asked for; should a libopus ever return less, pad it ourselves.
            guard length > 0, length < Int32(packetBytes) else { return length }
            return opus_packet_pad(packet, length, Int32(packetBytes)) == OPUS_OK ? Int32(packetBytes) : OPUS_INTERNAL_ERROR
        }
        guard status == Int32(packetBytes) else {
            throw AudioError.encode("libopus: \(status < 0 ? String(cString: opus_strerror(status)) : "a \(status)-byte packet")")
        }
    }
}

@available(*, unavailable)
extension OpusPacketEncoder: Sendable {}
