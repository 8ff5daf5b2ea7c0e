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
        // The descriptor's path opens the very file this request opened, even if the track was replaced since.
        let source = try SourceAudio.probe("/proc/self/fd/\(track.file.descriptor)")
        let firstSample = Int64(offset * Double(profile.sampleRate))
        let total = source.samples(at: profile.sampleRate)
        guard firstSample < total else {
            throw APIError.invalidField("time_offset", "is past the end of the track (\(source.durationSeconds) s)")
        }
        let layout = MP3StreamLayout(profile: profile, samples: total - firstSample)
        let encoder = MP3StreamEncoder(source: source, layout: layout, firstSample: firstSample)
        headers[.xContentDuration] = OpenTrack.formatDuration(layout.durationSeconds)
        return try GeneratedResponse.make(
            length: layout.totalBytes, method: request.method, requestHeaders: request.headers,
            contentType: profile.contentType, headers: headers
        ) { range in
            let job = LiveEncode(track: track, encoder: encoder, name: offset == 0 ? name : nil)
            return try stream(job, range: range, listener: listener)
        }
    }

    /// What one live response encodes: the track (its open file keeps the source readable), the encoder, and the
    /// cache name when the stream is the whole track (`time_offset` streams are not cached).
    private struct LiveEncode: Sendable {
        let track: OpenTrack
        let encoder: MP3StreamEncoder
        let name: String?
    }

    private func stream(_ live: LiveEncode, range: ClosedRange<Int64>, listener: String) throws -> any BodyStream {
        let streamName = live.name ?? "\(live.track.track.id)@\(live.encoder.firstSample)"
        guard admit(listener, streamName) else {
            throw APIError.unavailable("You are already listening to \(maxPerUser) transcoded streams.", retryAfter: 5)
        }
        let onClose: @Sendable () -> Void = { [self] in dismiss(listener, streamName) }
        do {
            let lookahead = Int64(live.encoder.layout.profile.kbps * 125 * Self.lookaheadSeconds)
            if let name = live.name {
                let job = jobs.withLock { $0[name] }
                if let job, range.lowerBound <= job.written + lookahead, job.attach() {
                    return LiveTranscodeStream(source: .job(job), range: range, onClose: onClose)
                }
                if range.lowerBound <= lookahead, let job = try startJob(live, name: name) {
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
        let layout = live.encoder.layout
        guard cache.reserve(layout.totalBytes) else {
            encoders.release()
            return nil
        }
        var job: TranscodeJob?
        defer {
            if job == nil {
                encoders.release()
                cache.release(layout.totalBytes)
            }
        }
        let temporaryPath = StagedAudioFile.temporaryPath(for: cache.path(for: name))
        try BinaryFile.create(temporaryPath).close()
        let created = TranscodeJob(name: name, layout: layout, temporaryPath: temporaryPath,
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
                try live.encoder.run(fromFrame: 0) { bytes in
                    try file.write(bytes)
                    return created.advance(by: bytes.count)
                }
                file.close()
                // Complete means every byte: a listener may well have left after the last one.
                let isComplete = created.written == layout.totalBytes
                if isComplete {
                    try cache.commit(temporaryPath: temporaryPath, as: name, reserved: layout.totalBytes)
                } else {
                    StagedAudioFile.remove(temporaryPath)
                    cache.release(layout.totalBytes)
                }
                created.end(isComplete ? .finished : .failed)
            } catch {
                output?.close()
                StagedAudioFile.remove(temporaryPath)
                cache.release(layout.totalBytes)
                created.end(.failed)
                logFailure(error, trackID: trackID)
            }
            jobs.withLock { jobs in if jobs[name] === created { jobs[name] = nil } }
        }
        return created
    }

    /// An encode of one range only, for one listener, through a bounded pipe: a range far ahead of the shared
    /// encode, or a `time_offset` stream. Its frames sit at the same offsets as the whole stream's.
    private func startPrivateEncode(_ live: LiveEncode, range: ClosedRange<Int64>) throws -> ChunkPipe {
        guard encoders.tryAcquire() else { throw Self.busy }
        let pipe = ChunkPipe()
        let frameBytes = Int64(live.encoder.layout.frameBytes)
        let trackID = live.track.track.id
        spawn { [self] in
            defer { encoders.release() }
            var skip = Int(range.lowerBound % frameBytes)
            var remaining = range.upperBound - range.lowerBound + 1
            do {
                try live.encoder.run(fromFrame: range.lowerBound / frameBytes) { bytes in
                    var bytes = bytes[...]
                    let skipped = min(skip, bytes.count)
                    skip -= skipped
                    bytes = bytes.dropFirst(skipped).prefix(Int(min(Int64(Int.max), remaining)))
                    remaining -= Int64(bytes.count)
                    guard bytes.isEmpty || pipe.push(Array(bytes)) else { return false }
                    return remaining > 0
                }
                pipe.finish(remaining > 0 ? AudioError.decode("the transcode ended early") : nil)
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
        log?.log(.error, "transcode failed", [("track_id", trackID.uuidString.lowercased()),
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
