/// The exact shape of a hard-CBR Ogg Opus transcode, known before a single sample is encoded (the Opus side of
/// `StreamLayout`, as `MP3StreamLayout` is for MP3).
///
/// Every packet is one 20 ms frame of exactly `packetBytes` bytes (`OpusPacketEncoder`, hard CBR), and every audio
/// page holds `packetsPerPage` whole packets (the last page fewer), so every audio page but the last has the same
/// size. The stream is: the OpusHead page, the OpusTags page (vendor string only: a fixed size), then the audio
/// pages. With `preSkip` = the encoder's lookahead and `samples` the audio to carry (48 kHz),
///
///     packets     = ⌈(preSkip + samples) / 960⌉,  audioPages = ⌈packets / packetsPerPage⌉
///     totalBytes  = headerBytes + pageBytes × (audioPages − 1) + size of the last page
///     granule(p)  = 960 × packetsPerPage × (p + 1), the last page preSkip + samples (players trim the padding)
///     time t      ≈ audio page ⌊(t × 48 000 + preSkip) / (960 × packetsPerPage)⌋, at headerBytes + pageBytes × p
///
/// An encode started at audio page `p` begins a fresh encoder a few packets before the page's first (its warm-up,
/// not sent) and numbers its pages as the whole stream does: its bytes sit at the same offsets, its pages carry the
/// same sequence numbers and granule positions, and a decoder seeking there starts cleanly at a page boundary.
public struct OpusStreamLayout: StreamLayout, Equatable {
    public static let sampleRate = OpusPacketEncoder.sampleRate
    public static let preSkip = OpusPacketEncoder.lookahead
    /// Any fixed serial number does: each stream is one logical bitstream of its own response.
    static let serial: UInt32 = 0x4452_4441   // "DRDA"

    public let profile: StreamProfile
    /// Output samples (per channel) the stream carries, at 48 kHz.
    public let samples: Int64
    public let packetBytes: Int
    /// Half a second of audio per page (never more lacing values than a page holds): a page is what a decoder
    /// drops when a player's cache joins two responses mid-page (its checksum fails), and what a seek decodes
    /// from; its 27-byte header costs 0.4 kbps.
    public let packetsPerPage: Int
    public let packets: Int64
    public let audioPages: Int64
    public let headerBytes: Int64
    public let pageBytes: Int64

    public init(profile: StreamProfile, samples: Int64) {
        self.profile = profile
        self.samples = max(samples, 0)
        packetBytes = OpusPacketEncoder.packetBytes(kbps: profile.kbps)
        packetsPerPage = min(25, 255 / OggPage.lacingCount(packetBytes))
        let frame = Int64(OpusPacketEncoder.frameSamples)
        packets = (Int64(Self.preSkip) + self.samples + frame - 1) / frame
        audioPages = (packets + Int64(packetsPerPage) - 1) / Int64(packetsPerPage)
        headerBytes = Int64(OggPage.size(packetLengths: [Self.opusHead(channels: profile.channels).count])
            + OggPage.size(packetLengths: [Self.opusTags.count]))
        pageBytes = Int64(OggPage.size(packetLengths: Array(repeating: packetBytes, count: packetsPerPage)))
    }

    public var totalBytes: Int64 { headerBytes + pageBytes * (audioPages - 1) + Int64(pageSize(audioPages - 1)) }
    public var durationSeconds: Double { Double(samples) / Double(Self.sampleRate) }

    /// Segment 0 is the two header pages; segment `p + 1` is audio page `p`.
    public func segment(containing offset: Int64) -> (index: Int64, start: Int64) {
        guard offset >= headerBytes else { return (0, 0) }
        let page = min((offset - headerBytes) / pageBytes, audioPages - 1)
        return (page + 1, headerBytes + page * pageBytes)
    }

    /// Packets on audio page `page`.
    func packetCount(onPage page: Int64) -> Int {
        page < audioPages - 1 ? packetsPerPage : Int(packets - (audioPages - 1) * Int64(packetsPerPage))
    }

    func pageSize(_ page: Int64) -> Int {
        OggPage.size(packetLengths: Array(repeating: packetBytes, count: packetCount(onPage: page)))
    }

    /// The Ogg header of audio page `page` (sequence numbers 0 and 1 are the header pages).
    func audioPage(_ page: Int64) -> OggPage {
        let isLast = page == audioPages - 1
        let granule = isLast ? Int64(Self.preSkip) + samples
            : (page + 1) * Int64(packetsPerPage * OpusPacketEncoder.frameSamples)
        return OggPage(serial: Self.serial, sequence: UInt32(truncatingIfNeeded: page + 2), granulePosition: granule,
                       flags: isLast ? .endOfStream : [])
    }

    /// The OpusHead and OpusTags pages (RFC 7845 §5).
    var headerPages: [UInt8] {
        let head = Self.opusHead(channels: profile.channels)
        let tags = Self.opusTags
        return OggPage(serial: Self.serial, sequence: 0, granulePosition: 0, flags: .beginningOfStream)
            .encoded(head, packetLengths: [head.count])
            + OggPage(serial: Self.serial, sequence: 1, granulePosition: 0).encoded(tags, packetLengths: [tags.count])
    }

    static func opusHead(channels: Int) -> [UInt8] {
        Array("OpusHead".utf8) + [1, UInt8(channels)] + littleEndian(preSkip, 2) + littleEndian(sampleRate, 4)
            + [0, 0, 0]   // output gain 0 dB, channel mapping family 0 (mono or stereo)
    }

    static let opusTags: [UInt8] = {
        let vendor = Array("Duradora (\(OpusPacketEncoder.version))".utf8)
        return Array("OpusTags".utf8) + littleEndian(vendor.count, 4) + vendor + littleEndian(0, 4)
    }()

    private static func littleEndian(_ value: Int, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
