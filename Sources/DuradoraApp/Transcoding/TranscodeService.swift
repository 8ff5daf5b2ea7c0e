import DuradoraHTTP
import Foundation
import Synchronization

/// On-demand transcodes of stored tracks: answers a stream request from the cache when the transcode is there,
/// otherwise from a live encode, with the exact length and Range support either way (`MP3StreamLayout`).
///
/// Limits, each a 503 with `Retry-After` when reached:
/// - `maxLive` encoder threads in all (shared encodes and private ones for far ranges or `time_offset`): CPU;
/// - `maxPerUser` different streams per listener (a user seeking within one track counts once): one account
///   cannot take every encoder.
public final class TranscodeService: Sendable {
    public let cache: TranscodeCache
    let encoders: TranscodeSlots
    let maxPerUser: Int
    let log: AccessLog?
    private let jobs = Mutex<[String: TranscodeJob]>([:])
    /// Listener → stream name → open responses.
    private let listeners = Mutex<[String: [String: Int]]>([:])
    /// File ETag → its probed header (see `probe`).
    private let probes = Mutex<[String: SourceAudio]>([:])
    /// A range this close ahead of the shared encode (seconds of audio) waits for it instead of starting an encode.
    static let lookaheadSeconds = 20

    public init(cache: TranscodeCache, maxLive: Int, maxPerUser: Int, log: AccessLog? = nil) {
        self.cache = cache
        self.encoders = TranscodeSlots(capacity: maxLive)
        self.maxPerUser = max(maxPerUser, 1)
        self.log = log
    }

    /// Encoder threads running now.
    public var activeEncoders: Int { encoders.busyCount }
    /// Shared encodes started since start-up (listeners joining one do not count).
    public var sharedEncodesStarted: Int { started.load(ordering: .relaxed) }
    private let started = Atomic(0)

    /// The response to a GET or HEAD of `track` transcoded to `profile`, from second `offset` on. Blocking (it may
    /// probe the stored file): call it on a worker. `listener` names who asks, for `maxPerUser`.
    public func response(
        track: OpenTrack, profile: StreamProfile, offset: Double, request: Request, listener: String,
        headers: HTTPHeaders
    ) throws -> Response {
        let fileTag = track.track.audio?.fileTag ?? "none"
        let name = TranscodeCache.fileName(etag: fileTag, profile: profile)
        var headers = headers
        if offset == 0, let path = cache.lookup(name), let file = try? OpenFile(path: path) {
            headers[.xContentDuration] = OpenTrack.formatDuration(track.track.audio?.durationSeconds ?? 0)
            return OpenTrack.streamed(FileResponse.make(
                file: file, method: request.method, requestHeaders: request.headers,
                etag: EntityTag("\(fileTag)-\(profile)"), contentType: profile.contentType, headers: headers))
        }
        let source = try probe(track, fileTag: fileTag)
        // Compared as seconds first: a huge offset (1e308 is a valid number) would trap converting to samples.
        guard offset < source.durationSeconds,
              case let firstSample = Int64(offset * Double(profile.sampleRate)),
              firstSample < source.samples(at: profile.sampleRate) else {
            throw APIError.invalidField("time_offset", "is past the end of the track (\(source.durationSeconds) s)")
        }
        let cacheName = offset == 0 ? name : nil
        let streamName = "\(name)@\(firstSample)"
        let samples = source.samples(at: profile.sampleRate) - firstSample
        let layout: any StreamLayout
        let encode: @Sendable (_ fromSegment: Int64, _ emit: ([UInt8]) throws -> Bool) throws -> Void
        switch profile.format {
        case .mp3:
            let encoder = MP3StreamEncoder(source: source, layout: MP3StreamLayout(profile: profile, samples: samples),
                                           firstSample: firstSample)
            (layout, encode) = (encoder.layout, { try encoder.run(fromFrame: $0, emit: $1) })
        case .opus:
            let encoder = OpusStreamEncoder(source: source, layout: OpusStreamLayout(profile: profile, samples: samples),
                                            firstSample: firstSample)
            (layout, encode) = (encoder.layout, { try encoder.run(fromSegment: $0, emit: $1) })
        }
        let live = LiveEncode(track: track, name: cacheName, streamName: streamName, kbps: profile.kbps, layout: layout,
                              encode: encode)
        headers[.xContentDuration] = OpenTrack.formatDuration(layout.durationSeconds)
        return try GeneratedResponse.make(
            length: layout.totalBytes, method: request.method, requestHeaders: request.headers,
            contentType: profile.contentType, headers: headers
        ) { range in try stream(live, range: range, listener: listener) }
    }

    /// The stored file's header, probed once per file version: a seeking player sends many range requests, and
    /// an MP3 without a Xing tag makes the decoder scan the whole file to count its frames.
    private func probe(_ track: OpenTrack, fileTag: String) throws -> SourceAudio {
        // The descriptor's path opens the very file this request opened, even if the track was replaced since.
        let path = "/proc/self/fd/\(try track.localFile().descriptor)"
        if let known = probes.withLock({ $0[fileTag] }) {
            return SourceAudio(path: path, frames: known.frames, sampleRate: known.sampleRate, channels: known.channels)
        }
        let source = try SourceAudio.probe(path)
        probes.withLock { probes in
            if probes.count >= 1024 { probes.removeAll() }   // a bound, not an LRU: a re-probe is cheap enough
            probes[fileTag] = source
        }
        return source
    }

    /// What one live response encodes: the track (its open file keeps the source readable), the cache name when
    /// the stream is the whole track (`time_offset` streams are not cached), its layout (exact length; the segments
    /// an encode may start at), and the encode itself, from a segment.
    private struct LiveEncode: Sendable {
        let track: OpenTrack
        let name: String?
        /// What `maxPerUser` counts: the same stream at the same offset is one listening, however many ranges.
        let streamName: String
        let kbps: Int
        let layout: any StreamLayout
        let encode: @Sendable (_ fromSegment: Int64, _ emit: ([UInt8]) throws -> Bool) throws -> Void
    }

    private func stream(_ live: LiveEncode, range: ClosedRange<Int64>, listener: String) throws -> any BodyStream {
        let streamName = live.streamName
        guard admit(listener, streamName) else {
            throw APIError.unavailable("You are already listening to \(maxPerUser) transcoded streams.", retryAfter: 5)
        }
        let onClose: @Sendable () -> Void = { [self] in dismiss(listener, streamName) }
        do {
            let lookahead = Int64(live.kbps * 125 * Self.lookaheadSeconds)
            let start = range.lowerBound
            if let name = live.name {
                let job = jobs.withLock { $0[name] }
                if let job, start <= job.written + lookahead, job.attach() {
                    return LiveTranscodeStream(source: .job(job), range: range, onClose: onClose)
                }
                if start <= lookahead, let job = try startJob(live, name: name) {
                    return LiveTranscodeStream(source: .job(job), range: range, onClose: onClose)
                }
            }
            return LiveTranscodeStream(source: .pipe(try startPrivateEncode(live, range: range)), range: range,
                                       onClose: onClose)
        } catch {
            dismiss(listener, streamName)
            throw error
        }
    }

    // MARK: Encoders

    private static let busy = APIError.unavailable("Every transcoder is busy; try again shortly.", retryAfter: 5)

    /// Starts the shared encode of `name` into the cache, already attached to its first listener; nil when another
    /// request started it meanwhile, or when the cache has no room for it even after evicting (the caller then
    /// encodes privately, through memory: the cache directory never outgrows its cap).
    private func startJob(_ live: LiveEncode, name: String) throws -> TranscodeJob? {
        guard encoders.tryAcquire() else { throw Self.busy }
        let reservation = live.layout.totalBytes
        guard cache.reserve(reservation) else {
            encoders.release()
            return nil
        }
        var job: TranscodeJob?
        defer {
            if job == nil {
                encoders.release()
                cache.release(reservation)
            }
        }
        let temporaryPath = StagedAudioFile.temporaryPath(for: cache.path(for: name))
        try BinaryFile.create(temporaryPath).close()
        let created = TranscodeJob(name: name, temporaryPath: temporaryPath,
                                   file: try OpenFile(path: temporaryPath))
        _ = created.attach()
        let isNew = jobs.withLock { jobs in
            if let running = jobs[name], !running.isAbandoned, running.phase != .failed { return false }
            jobs[name] = created
            return true
        }
        guard isNew else {
            StagedAudioFile.remove(temporaryPath)
            return nil
        }
        job = created
        started.add(1, ordering: .relaxed)
        let trackID = live.track.track.id
        spawn { [self] in
            defer { encoders.release() }
            var output: BinaryFile?
            do {
                let file = try BinaryFile.create(temporaryPath)
                output = file
                try live.encode(0) { bytes in
                    try file.write(bytes)
                    return created.advance(by: bytes.count)
                }
                file.close()
                // Complete means every byte (a listener may well have left after the last one).
                let isComplete = created.written == live.layout.totalBytes
                if isComplete {
                    try cache.commit(temporaryPath: temporaryPath, as: name, reserved: reservation)
                } else {
                    StagedAudioFile.remove(temporaryPath)
                    cache.release(reservation)
                }
                created.end(isComplete ? .finished : .failed)
            } catch {
                output?.close()
                StagedAudioFile.remove(temporaryPath)
                cache.release(reservation)
                created.end(.failed)
                logFailure(error, trackID: trackID)
            }
            jobs.withLock { jobs in if jobs[name] === created { jobs[name] = nil } }
        }
        return created
    }

    /// An encode for one listener only, through a bounded pipe: a range far ahead of the shared encode, a
    /// `time_offset` stream, or one the cache has no room for. A range starts at its segment (MP3 frame, Ogg page),
    /// whose bytes sit at the same offsets as the whole stream's.
    private func startPrivateEncode(_ live: LiveEncode, range: ClosedRange<Int64>) throws -> ChunkPipe {
        guard encoders.tryAcquire() else { throw Self.busy }
        let pipe = ChunkPipe()
        let trackID = live.track.track.id
        spawn { [self] in
            defer { encoders.release() }
            let segment = live.layout.segment(containing: range.lowerBound)
            var skip = Int(range.lowerBound - segment.start)
            var remaining = range.upperBound - range.lowerBound + 1
            do {
                try live.encode(segment.index) { bytes in
                    var bytes = bytes[...]
                    let skipped = min(skip, bytes.count)
                    skip -= skipped
                    bytes = bytes.dropFirst(skipped).prefix(Int(min(Int64(Int.max), remaining)))
                    remaining -= Int64(bytes.count)
                    guard bytes.isEmpty || pipe.push(Array(bytes)) else { return false }
                    return remaining > 0
                }
                let isShort = remaining > 0
                pipe.finish(isShort ? AudioError.decode("the transcode ended early") : nil)
            } catch {
                pipe.finish(error)
                logFailure(error, trackID: trackID)
            }
        }
        return pipe
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = "duradora.transcode"
        thread.stackSize = 4 << 20
        thread.start()
    }

    private func logFailure(_ error: any Error, trackID: UUID) {
        log?.log(.error, "transcode failed", [("track_id", trackID.lowercasedString),
                                              ("error", String(describing: error))])
    }

    // MARK: Listeners

    private func admit(_ listener: String, _ stream: String) -> Bool {
        listeners.withLock { listeners in
            var streams = listeners[listener] ?? [:]
            if streams[stream] == nil && streams.count >= maxPerUser { return false }
            streams[stream, default: 0] += 1
            listeners[listener] = streams
            return true
        }
    }

    private func dismiss(_ listener: String, _ stream: String) {
        listeners.withLock { listeners in
            guard var streams = listeners[listener], let count = streams[stream] else { return }
            streams[stream] = count > 1 ? count - 1 : nil
            listeners[listener] = streams.isEmpty ? nil : streams
        }
    }
}
