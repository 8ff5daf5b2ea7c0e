/// One Ogg page (RFC 3533) holding whole packets: the 27-byte header, the lacing values, the packet data, and the
/// page checksum. Ours never splits a packet across pages, so a page's size follows from its packets' sizes alone
/// (`size(packetLengths:)`), which is what `OpusStreamLayout` computes offsets from.
struct OggPage {
    struct Flags: OptionSet {
        let rawValue: UInt8
        static let beginningOfStream = Flags(rawValue: 0x02)
        static let endOfStream = Flags(rawValue: 0x04)
    }

    var serial: UInt32
    var sequence: UInt32
    /// The codec's position at the end of the last packet completed on this page (Opus: 48 kHz samples).
    var granulePosition: Int64
    var flags: Flags = []

    /// Lacing values a packet of `length` bytes takes: one per 255 bytes, and a final one below 255 (0 when the
    /// length is a multiple of 255) that marks its end.
    static func lacingCount(_ length: Int) -> Int { length / 255 + 1 }

    static func size(packetLengths: [Int]) -> Int {
        27 + packetLengths.reduce(0) { $0 + lacingCount($1) + $1 }
    }

    /// The page's bytes for `data`, the concatenation of packets of `packetLengths` (at most 255 lacing values).
    func encoded(_ data: [UInt8], packetLengths: [Int]) -> [UInt8] {
        var page: [UInt8] = Array("OggS".utf8) + [0, flags.rawValue]
        page.reserveCapacity(Self.size(packetLengths: packetLengths))
        for shift in stride(from: 0, to: 64, by: 8) { page.append(UInt8(truncatingIfNeeded: granulePosition >> shift)) }
        for value in [serial, sequence, 0] {   // the checksum's place is zero while it is computed
            for shift in stride(from: 0, to: 32, by: 8) { page.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        let lacing = packetLengths.flatMap { length in
            [UInt8](repeating: 255, count: length / 255) + [UInt8(length % 255)]
        }
        precondition(lacing.count <= 255, "an Ogg page holds at most 255 lacing values")
        page.append(UInt8(lacing.count))
        page += lacing
        page += data
        let crc = Self.crc32(page)
        for (index, shift) in stride(from: 0, to: 32, by: 8).enumerated() { page[22 + index] = UInt8(truncatingIfNeeded: crc >> shift) }
        return page
    }

    /// Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value and final XOR 0.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0
        for byte in bytes {
            crc = (crc << 8) ^ crcTable[Int((crc >> 24) ^ UInt32(byte))]
        }
        return crc
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index) << 24
        for _ in 0..<8 { value = value & 0x8000_0000 != 0 ? (value << 1) ^ 0x04C1_1DB7 : value << 1 }
        return value
    }
}
