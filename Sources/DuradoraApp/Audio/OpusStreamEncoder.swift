/// Encodes a stored track into the bytes of an `OpusStreamLayout`, from any segment on: samples from `ResampledPCM`
/// at 48 kHz, hard-CBR packets from `OpusPacketEncoder`, paged by `OggPage` as the layout says. The output is
/// exactly the layout's bytes from that segment's start: the input is padded with silence to the last packet, and
/// the last page carries the end-of-stream flag and the granule position that trims the padding. Blocking and
/// CPU-bound: run it on an encoder thread, never an event loop.
public struct OpusStreamEncoder: Sendable {
    public let source: SourceAudio
    public let layout: OpusStreamLayout
    /// The output sample (48 kHz) the stream starts at (`time_offset`).
    public let firstSample: Int64
    public var blockFrames = 4096
    /// Packets encoded and dropped before a page an encode starts at: the encoder's state settles (prediction,
    /// band energies) so the first packet sent sounds like the shared encode's, not like a cold start.
    static let warmUpPackets: Int64 = 4

    public init(source: SourceAudio, layout: OpusStreamLayout, firstSample: Int64) {
        self.source = source
        self.layout = layout
        self.firstSample = firstSample
    }

    /// Emits the stream's bytes from segment `startSegment` (0 = the header pages, `p + 1` = audio page `p`) to the
    /// end, a page at a time. `emit` returning false stops the encode (the last listener left): not an error.
    public func run(fromSegment startSegment: Int64, emit: ([UInt8]) throws -> Bool) throws {
        if startSegment == 0 {
            guard try emit(layout.headerPages) else { return }
        }
        let frame = OpusPacketEncoder.frameSamples
        let channels = layout.profile.channels   // ResampledPCM mixes a surround source down to this
        var page = max(startSegment - 1, 0)
        let firstPacket = page * Int64(layout.packetsPerPage)
        var packet = firstPacket - min(firstPacket, Self.warmUpPackets)
        let encoder = try OpusPacketEncoder(channels: channels, kbps: layout.profile.kbps)
        var pending = [Float](repeating: 0, count: frame * channels)
        var filled = 0
        var pageData: [UInt8] = []
        pageData.reserveCapacity(layout.packetBytes * layout.packetsPerPage)
        // One frame gathered in `pending`: encode it, and send the page it completes.
        func encodeFrame() throws -> Bool {
            defer { packet += 1 }
            if packet < firstPacket {
                var dropped: [UInt8] = []
                try pending.withUnsafeBufferPointer { try encoder.encode($0, into: &dropped) }
                return true
            }
            try pending.withUnsafeBufferPointer { try encoder.encode($0, into: &pageData) }
            let count = layout.packetCount(onPage: page)
            guard pageData.count == count * layout.packetBytes else { return true }
            let bytes = layout.audioPage(page).encoded(pageData, packetLengths: Array(repeating: layout.packetBytes, count: count))
            pageData.removeAll(keepingCapacity: true)
            page += 1
            return try emit(bytes)
        }
        let pcm = ResampledPCM(source: source, rate: OpusStreamLayout.sampleRate, blockFrames: blockFrames)
        let inputStart = packet * Int64(frame)
        let isWhole = try pcm.read(from: firstSample + inputStart, count: layout.packets * Int64(frame) - inputStart) { block in
            var index = 0
            while index < block.count {
                let taken = min(block.count - index, pending.count - filled)
                pending.withUnsafeMutableBufferPointer { target in
                    _ = UnsafeMutableBufferPointer(rebasing: target[filled..<filled + taken])
                        .initialize(from: UnsafeBufferPointer(rebasing: block[index..<index + taken]))
                }
                filled += taken
                index += taken
                if filled == pending.count {
                    filled = 0
                    guard try encodeFrame() else { return false }
                }
            }
            return true
        }
        if isWhole && page != layout.audioPages {
            throw AudioError.encode("the Opus encode ended at page \(page) of \(layout.audioPages)")
        }
    }
}
