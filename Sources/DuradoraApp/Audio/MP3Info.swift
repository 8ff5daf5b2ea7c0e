/// What an MP3 file holds, measured from its frame headers and, when present, its Xing/Info (with LAME
/// encoder delay and padding) or VBRI tag. Used to check the encoder's output and to describe uploaded MP3s.
public struct MP3Info: Sendable, Equatable {
    public var durationSeconds: Double
    public var sampleRate: Int
    public var channels: Int
    /// Average bitrate in kbps (the constant one for CBR).
    public var bitrate: Int
    public var layer: Int
    /// Audio frames found by walking the headers (a Xing/Info frame is not counted).
    public var frameCount: Int
    /// The frame count a Xing/Info or VBRI tag declares, if there is one.
    public var declaredFrameCount: Int?
    /// Encoder delay and padding in samples, from a LAME tag.
    public var encoderDelay: Int
    public var encoderPadding: Int
    /// True when frames use more than one bitrate.
    public var isVariableBitrate: Bool
    /// Byte offset of the first frame (after any ID3v2 tag) and total bytes of audio frames.
    public var audioOffset: Int64
    public var audioBytes: Int64

    /// Measures the MP3 at `path`; `.undecodable` when no run of valid MPEG audio frames is found.
    public init(path: String) throws {
        let file = try BinaryFile.openForReading(path)
        defer { file.close() }
        self = try MP3Info.measure(file)
    }

    private init(first: MPEGFrameHeader, offset: Int64) {
        durationSeconds = 0
        sampleRate = first.sampleRate
        channels = first.channels
        bitrate = first.bitrate
        layer = first.layer
        frameCount = 0
        declaredFrameCount = nil
        encoderDelay = 0
        encoderPadding = 0
        isVariableBitrate = false
        audioOffset = offset
        audioBytes = 0
    }

    private static func measure(_ file: BinaryFile) throws -> MP3Info {
        let reader = try ChunkedReader(file: file)
        let tagLength = try ID3Tag.leadingTagsLength(of: file)
        guard let (start, first) = try findFrame(reader, from: tagLength, limit: 1 << 20) else {
            throw AudioError.undecodable("no MPEG audio frames found")
        }
        var info = MP3Info(first: first, offset: start)
        var offset = start
        let firstFrame = Array(try reader.bytes(at: start, count: first.length))
        if info.readXingTag(firstFrame, header: first) || info.readVBRITag(firstFrame) {
            offset += Int64(first.length)   // the tag frame carries no audio
        }
        var bitrates = Set<Int>()
        while true {
            let header = try reader.bytes(at: offset, count: 4)
            if let frame = MPEGFrameHeader(header), frame.isCompatible(with: first) {
                guard offset + Int64(frame.length) <= reader.size else { break }   // cut-off last frame
                info.frameCount += 1
                info.audioBytes += Int64(frame.length)
                bitrates.insert(frame.bitrate)
                offset += Int64(frame.length)
                continue
            }
            // Trailing ID3v1/APE tags or garbage: resynchronise on the next frame pair, if any.
            guard offset < reader.size - 4, let (next, _) = try findFrame(reader, from: offset + 1, limit: 1 << 16,
                                                                          matching: first) else { break }
            offset = next
        }
        guard info.frameCount > 0 else { throw AudioError.undecodable("no MPEG audio frames found") }
        info.isVariableBitrate = bitrates.count > 1
        let samplesPerFrame = first.samplesPerFrame
        let samples = info.frameCount * samplesPerFrame
        let audibleSamples = samples - info.encoderDelay - info.encoderPadding
        // Trim only when the tag describes this stream: a frame lost at the end (a cut-off last frame) still
        // counts, a file that was edited or spliced after tagging does not.
        let usesLameTrim = info.encoderDelay + info.encoderPadding > 0 && audibleSamples > 0
            && abs((info.declaredFrameCount ?? -10) - info.frameCount) <= 1
        info.durationSeconds = Double(usesLameTrim ? audibleSamples : samples) / Double(first.sampleRate)
        let streamSeconds = Double(samples) / Double(first.sampleRate)
        info.bitrate = Int((Double(info.audioBytes) * 8 / streamSeconds / 1000).rounded())
        return info
    }

    /// The first offset at or after `start` holding a valid header followed by a compatible one.
    private static func findFrame(
        _ reader: ChunkedReader, from start: Int64, limit: Int64, matching reference: MPEGFrameHeader? = nil
    ) throws -> (Int64, MPEGFrameHeader)? {
        var offset = start
        while offset < min(reader.size - 4, start + limit) {
            if try reader.byte(at: offset) == 0xFF,
               let header = MPEGFrameHeader(try reader.bytes(at: offset, count: 4)),
               reference.map(header.isCompatible) ?? true {
                let next = offset + Int64(header.length)
                if next == reader.size {
                    return (offset, header)
                }
                if let following = MPEGFrameHeader(try reader.bytes(at: next, count: 4)),
                   following.isCompatible(with: header) {
                    return (offset, header)
                }
            }
            offset += 1
        }
        return nil
    }

    /// Reads a Xing/Info tag (and the LAME extension) from the first frame; true if one is there.
    private mutating func readXingTag(_ frame: [UInt8], header: MPEGFrameHeader) -> Bool {
        let start = header.xingOffset
        guard frame.count >= start + 8 else { return false }
        let magic = String(decoding: frame[start..<start + 4], as: UTF8.self)
        guard magic == "Xing" || magic == "Info" else { return false }
        let flags = Self.bigEndian(frame[start + 4..<start + 8])
        var position = start + 8
        if flags & 0x1 != 0, frame.count >= position + 4 {
            declaredFrameCount = Self.bigEndian(frame[position..<position + 4])
            position += 4
        }
        if flags & 0x2 != 0 { position += 4 }
        if flags & 0x4 != 0 { position += 100 }
        if flags & 0x8 != 0 { position += 4 }
        // LAME extension: 9-byte encoder string, …, delay and padding as two 12-bit values at +21.
        if frame.count >= position + 24 {
            let encoder = String(decoding: frame[position..<position + 4], as: UTF8.self)
            if encoder == "LAME" || encoder == "Lavc" || encoder == "Lavf" {
                let b = frame[position + 21..<position + 24].map(Int.init)
                encoderDelay = b[0] << 4 | b[1] >> 4
                encoderPadding = (b[1] & 0x0F) << 8 | b[2]
            }
        }
        return true
    }

    /// Reads a Fraunhofer VBRI tag (32 bytes after the header); true if one is there.
    private mutating func readVBRITag(_ frame: [UInt8]) -> Bool {
        let start = 36
        guard frame.count >= start + 18, String(decoding: frame[start..<start + 4], as: UTF8.self) == "VBRI" else {
            return false
        }
        declaredFrameCount = Self.bigEndian(frame[start + 14..<start + 18])
        return true
    }

    private static func bigEndian(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { ($0 << 8) | Int($1) }
    }
}

/// Random access over a file through one bounded window, for walking frame headers without a syscall per frame.
private final class ChunkedReader {
    let file: BinaryFile
    let size: Int64
    private var window: [UInt8] = []
    private var windowStart: Int64 = 0
    private let windowSize = 1 << 16

    init(file: BinaryFile) throws {
        self.file = file
        self.size = try file.size()
    }

    func bytes(at offset: Int64, count: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, offset < size else { return [] }
        if offset < windowStart || offset + Int64(count) > windowStart + Int64(window.count) {
            window = try file.read(at: offset, count: max(windowSize, count))
            windowStart = offset
        }
        let lower = Int(offset - windowStart)
        return window[lower..<min(window.count, lower + count)]
    }

    func byte(at offset: Int64) throws -> UInt8? {
        try bytes(at: offset, count: 1).first
    }
}
