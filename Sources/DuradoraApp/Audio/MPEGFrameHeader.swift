/// One MPEG audio frame header (4 bytes): version, layer, bitrate, sample rate, padding, channel mode.
struct MPEGFrameHeader: Equatable {
    enum Version: Equatable { case mpeg1, mpeg2, mpeg25 }

    let version: Version
    let layer: Int                // 1, 2 or 3
    let hasCRC: Bool
    let bitrate: Int              // kbps
    let sampleRate: Int
    let isPadded: Bool
    let isMono: Bool

    var channels: Int { isMono ? 1 : 2 }

    var samplesPerFrame: Int {
        switch layer {
        case 1: 384
        case 2: 1152
        default: version == .mpeg1 ? 1152 : 576
        }
    }

    /// Frame length in bytes, header included.
    var length: Int {
        if layer == 1 {
            return (12 * bitrate * 1000 / sampleRate + (isPadded ? 1 : 0)) * 4
        }
        let slotsPerFrame = layer == 3 && version != .mpeg1 ? 72 : 144
        return slotsPerFrame * bitrate * 1000 / sampleRate + (isPadded ? 1 : 0)
    }

    /// Offset of a Xing/Info tag from the frame start: after the header, CRC and side information (Layer III).
    var xingOffset: Int {
        let sideInfo: Int
        switch (version == .mpeg1, isMono) {
        case (true, false): sideInfo = 32
        case (true, true): sideInfo = 17
        case (false, false): sideInfo = 17
        case (false, true): sideInfo = 9
        }
        return 4 + (hasCRC ? 2 : 0) + sideInfo
    }

    /// True when `other` can belong to the same stream (same version, layer and sample rate).
    func isCompatible(with other: MPEGFrameHeader) -> Bool {
        version == other.version && layer == other.layer && sampleRate == other.sampleRate
    }

    /// Parses 4 bytes; nil unless they are a valid header (free-format bitrate is not supported).
    init?<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard bytes.count >= 4 else { return nil }
        let b = Array(bytes.prefix(4))
        guard b[0] == 0xFF, b[1] & 0xE0 == 0xE0 else { return nil }
        switch (b[1] >> 3) & 0x03 {
        case 0: version = .mpeg25
        case 2: version = .mpeg2
        case 3: version = .mpeg1
        default: return nil
        }
        let layerBits = Int((b[1] >> 1) & 0x03)
        guard layerBits != 0 else { return nil }
        layer = 4 - layerBits
        hasCRC = b[1] & 0x01 == 0
        let bitrateIndex = Int(b[2] >> 4)
        let rateIndex = Int((b[2] >> 2) & 0x03)
        guard bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        bitrate = Self.bitrates(version: version, layer: layer)[bitrateIndex]
        let baseRates = [44100, 48000, 32000]
        switch version {
        case .mpeg1: sampleRate = baseRates[rateIndex]
        case .mpeg2: sampleRate = baseRates[rateIndex] / 2
        case .mpeg25: sampleRate = baseRates[rateIndex] / 4
        }
        isPadded = b[2] & 0x02 != 0
        isMono = (b[3] >> 6) == 3
    }

    private static func bitrates(version: Version, layer: Int) -> [Int] {
        switch (version == .mpeg1, layer) {
        case (true, 1): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448]
        case (true, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384]
        case (true, _): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        case (false, 1): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256]
        case (false, _): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        }
    }
}
