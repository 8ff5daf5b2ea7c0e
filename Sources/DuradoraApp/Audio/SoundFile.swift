import CSndFile
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open libsndfile handle: decodes any format libsndfile reads, and writes the formats of `SoundFileFormat`
/// (tests use that to generate fixtures). Samples are interleaved `Float`s in -1...1.
/// Not thread-safe: keep it on the queue that opened it.
public final class SoundFile {
    public let path: String
    /// Frames as the container declares them (libsndfile may already have clamped a lying header to the file size).
    public let frames: Int64
    public let sampleRate: Int
    public let channels: Int
    /// The raw `SF_FORMAT_*` value (major format | subtype).
    public let format: Int32
    private var handle: OpaquePointer?
    private let isWritable: Bool

    /// Opens `path` for decoding. Anything libsndfile cannot read, or that has no frames, is `.undecodable`.
    /// A file that cannot be opened at all is `.io` (a server-side problem, not a bad upload).
    public init(readingFrom path: String) throws {
        guard access(path, R_OK) == 0 else { throw AudioError.io(operation: "open", path: path, code: errno) }
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            // sf_error_number gives a constant string; sf_strerror(NULL) formats into a buffer shared by all
            // threads, which concurrent failed opens would scribble over.
            throw AudioError.undecodable(String(cString: sf_error_number(sf_error(nil))))
        }
        guard info.channels > 0, info.samplerate > 0, info.frames > 0 else {
            sf_close(handle)
            throw AudioError.undecodable(info.frames <= 0 ? "no audio frames" : "invalid channel count or sample rate")
        }
        self.path = path
        self.handle = handle
        self.frames = info.frames
        self.sampleRate = Int(info.samplerate)
        self.channels = Int(info.channels)
        self.format = info.format
        self.isWritable = false
    }

    /// Creates `path` for writing `format` (replacing an existing file).
    public init(writingTo path: String, format: SoundFileFormat, sampleRate: Int, channels: Int) throws {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = try format.sndfileFormat()
        guard sf_format_check(&info) != 0 else {
            throw AudioError.encode("libsndfile cannot write \(format) at \(sampleRate) Hz, \(channels) channels")
        }
        guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioError.encode("cannot create \(path): \(String(cString: sf_strerror(nil)))")
        }
        self.path = path
        self.handle = handle
        self.frames = 0
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = info.format
        self.isWritable = true
    }

    deinit {
        if let handle { sf_close(handle) }
    }

    /// Closes the handle; idempotent. For a written file this flushes it, so failures are thrown.
    public func close() throws {
        guard let handle else { return }
        self.handle = nil
        let status = sf_close(handle)
        if status != 0 && isWritable {
            throw AudioError.encode("closing \(path): \(String(cString: sf_error_number(status)))")
        }
    }

    public var majorFormat: Int32 { format & Int32(SF_FORMAT_TYPEMASK) }
    public var subtypeFormat: Int32 { format & Int32(SF_FORMAT_SUBMASK) }

    /// True for MPEG audio (MP1/MP2/MP3) as detected by libsndfile.
    public var isMPEG: Bool { majorFormat == Int32(SF_FORMAT_MPEG) }
    /// True for MPEG-1/2 Layer III, the only input stored as is.
    public var isMP3: Bool { isMPEG && subtypeFormat == Int32(SF_FORMAT_MPEG_LAYER_III) }
    public var isWAV: Bool {
        [SF_FORMAT_WAV, SF_FORMAT_WAVEX, SF_FORMAT_RF64].contains(Int(majorFormat))
    }
    public var isAIFF: Bool { majorFormat == Int32(SF_FORMAT_AIFF) }
    public var isOgg: Bool { majorFormat == Int32(SF_FORMAT_OGG) }

    /// libsndfile's name for the major format, e.g. "WAV (Microsoft)".
    public var formatName: String {
        var info = SF_FORMAT_INFO()
        info.format = majorFormat
        guard sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &info, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0,
              let name = info.name else { return "unknown" }
        return String(cString: name)
    }

    /// Title, artist, album, genre, year and track number stored by the container (RIFF INFO, Vorbis comments, …).
    public var embeddedTag: ID3Tag {
        func string(_ key: Int) -> String? {
            guard let handle, let value = sf_get_string(handle, Int32(key)) else { return nil }
            let text = String(cString: value)
            return text.isEmpty ? nil : text
        }
        return ID3Tag(
            title: string(SF_STR_TITLE), artist: string(SF_STR_ARTIST), album: string(SF_STR_ALBUM),
            genre: string(SF_STR_GENRE), year: string(SF_STR_DATE).flatMap(ID3Tag.parseYear),
            trackNumber: string(SF_STR_TRACKNUMBER).flatMap(ID3Tag.parseTrackNumber)
        )
    }

    /// Stores title, artist, album, genre, year and track number in a file being written (RIFF INFO, Vorbis
    /// comments, …). Call it before the first `writeFrames`: some containers write their header then.
    public func setEmbeddedTag(_ tag: ID3Tag) throws {
        guard let handle, isWritable else { throw AudioError.encode("\(path) is not open for writing") }
        let values: [(Int, String?)] = [
            (SF_STR_TITLE, tag.title), (SF_STR_ARTIST, tag.artist), (SF_STR_ALBUM, tag.album),
            (SF_STR_GENRE, tag.genre), (SF_STR_DATE, tag.year.map { String($0) }),
            (SF_STR_TRACKNUMBER, tag.trackNumber.map { String($0) }),
        ]
        for case let (key, value?) in values {
            // Best effort: containers differ in which fields they can hold (WAV has no track number, some formats
            // none at all) and libsndfile offers no way to ask beforehand, so a refused field is left out.
            _ = sf_set_string(handle, Int32(key), value)
        }
    }

    /// Reads up to `buffer.count / channels` frames of interleaved samples; returns the number of frames read,
    /// 0 at the end. A decoder error is thrown, not reported as the end.
    public func readFrames(into buffer: UnsafeMutableBufferPointer<Float>) throws -> Int {
        guard let handle else { throw AudioError.decode("\(path) is closed") }
        guard let base = buffer.baseAddress else { return 0 }
        let capacity = buffer.count / channels
        precondition(capacity > 0, "buffer smaller than one frame")
        let count = sf_readf_float(handle, base, sf_count_t(capacity))
        if count < 0 { throw AudioError.decode(String(cString: sf_strerror(handle))) }
        if count < capacity {
            let status = sf_error(handle)
            if status != 0 { throw AudioError.decode(String(cString: sf_error_number(status))) }
        }
        return Int(count)
    }

    /// Moves the read position to `frame` (0 = the start); a transcode starting mid-track begins there.
    public func seek(toFrame frame: Int64) throws {
        guard let handle else { throw AudioError.decode("\(path) is closed") }
        guard sf_seek(handle, sf_count_t(frame), SEEK_SET) >= 0 else {
            throw AudioError.decode("cannot seek to frame \(frame): \(String(cString: sf_strerror(handle)))")
        }
    }

    /// Writes interleaved samples; `samples.count` must be a multiple of `channels`.
    public func writeFrames(_ samples: UnsafeBufferPointer<Float>) throws {
        guard let handle else { throw AudioError.encode("\(path) is closed") }
        guard let base = samples.baseAddress else { return }
        precondition(samples.count % channels == 0, "partial frame")
        let frameCount = sf_count_t(samples.count / channels)
        let written = sf_writef_float(handle, base, frameCount)
        guard written == frameCount else {
            throw AudioError.encode("writing \(path): \(String(cString: sf_strerror(handle)))")
        }
    }

    public func writeFrames(_ samples: [Float]) throws {
        try samples.withUnsafeBufferPointer { try writeFrames($0) }
    }
}

@available(*, unavailable)
extension SoundFile: Sendable {}
