import COpusEnc

/// A libopusenc encoder making Ogg Opus pages in memory (its pull API): feed 48 kHz interleaved `Float` frames,
/// collect the finished pages, `drain()` at the end. libopusenc writes the OpusHead pre-skip and the granule
/// positions (the last page's marks the exact end), so players trim and show the right duration. Not thread-safe.
public final class OpusOggEncoder {
    public static let sampleRate = 48_000
    public let channels: Int
    private var encoder: OpaquePointer?
    private var comments: OpaquePointer?

    public init(channels: Int, kbps: Int) throws {
        guard let comments = ope_comments_create() else { throw AudioError.encode("ope_comments_create failed") }
        var error: Int32 = 0
        guard let encoder = ope_encoder_create_pull(comments, Int32(Self.sampleRate), Int32(channels), 0, &error),
              error == OPE_OK else {
            ope_comments_destroy(comments)
            throw AudioError.encode("libopusenc: \(String(cString: ope_strerror(error)))")
        }
        self.encoder = encoder
        self.comments = comments
        self.channels = channels
        guard duradora_ope_set_bitrate(encoder, Int32(kbps * 1000)) == OPE_OK else {
            throw AudioError.encode("libopusenc refused \(kbps) kbps")
        }
    }

    deinit {
        if let encoder { ope_encoder_destroy(encoder) }
        if let comments { ope_comments_destroy(comments) }
    }

    /// Encodes interleaved frames; returns the Ogg pages completed so far (possibly none).
    public func encode(_ samples: UnsafeBufferPointer<Float>) throws -> [UInt8] {
        guard let encoder else { throw AudioError.encode("encoder closed") }
        let frames = samples.count / channels
        if frames > 0, let base = samples.baseAddress {
            let status = ope_encoder_write_float(encoder, base, Int32(frames))
            guard status == OPE_OK else { throw AudioError.encode("libopusenc: \(String(cString: ope_strerror(status)))") }
        }
        return pages(flush: false)
    }

    /// Ends the stream: the last pages, the final granule position included.
    public func drain() throws -> [UInt8] {
        guard let encoder else { throw AudioError.encode("encoder closed") }
        let status = ope_encoder_drain(encoder)
        guard status == OPE_OK else { throw AudioError.encode("libopusenc: \(String(cString: ope_strerror(status)))") }
        return pages(flush: true)
    }

    private func pages(flush: Bool) -> [UInt8] {
        var output: [UInt8] = []
        var page: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        while ope_encoder_get_page(encoder, &page, &length, flush ? 1 : 0) == 1, let page {
            output.append(contentsOf: UnsafeBufferPointer(start: page, count: Int(length)))
        }
        return output
    }
}

@available(*, unavailable)
extension OpusOggEncoder: Sendable {}
