import DuradoraHTTP
import Foundation

/// A ready track with its audio file open: what `/stream` and `/download` answer from, and what the controller's
/// cache of recent streams keeps. It knows what is the track's in a response: its strong ETag (the row's
/// `fileTag`, renewed whenever the file's bytes change), caching that fits the visibility, the download's name.
///
/// A file is opened once and the descriptor lives as long as any response body still sends from it, so a track
/// replaced or deleted mid-stream still sends the bytes it started with (unlink-safe). An object in a bucket is
/// never rewritten (a new version gets a new key), and a removed one fails the next read: never other bytes.
public final class OpenTrack: Sendable {
    public let track: Track
    let source: TrackAudioSource

    init(track: Track, source: TrackAudioSource) {
        self.track = track
        self.source = source
    }

    /// A local file with the bytes, for the decoders (bucket audio is copied here first: blocking).
    func localFile() throws -> OpenFile {
        switch source {
        case .file(let file): file
        case .bucket(let audio): try audio.localFile()
        }
    }

    /// Opens the track's file. The row is read again after the open: when the file changed in between (a tag
    /// edit or a new upload), the new row goes with the new bytes, so an ETag never names the wrong content.
    static func open(id: UUID, audio: TrackAudioStore, load: () throws -> Track) throws -> OpenTrack {
        var track = try load()
        for _ in 0..<3 {
            let source: TrackAudioSource
            if let path = track.sourcePath {
                // An imported track is served from where it was found (read-only), in its own format.
                guard let file = try? OpenFile(path: path) else { throw APIError.notFound("Track") }
                source = .file(file)
            } else {
                // A row that says "ready" without its audio: deleted meanwhile, or lost. Either way, 404.
                source = try audio.open(track)
            }
            let current = try load()
            if current.audio?.fileTag == track.audio?.fileTag { return OpenTrack(track: current, source: source) }
            track = current
        }
        throw APIError.unavailable("The track's audio is changing; try again.", retryAfter: 1)
    }

    public var etag: EntityTag {
        EntityTag(track.audio?.fileTag ?? "none")
    }

    /// Anyone may cache a public track that anonymous listeners may stream; anything else only the listener's own
    /// browser. `no-cache` makes caches revalidate with the ETag, so an edit is seen at once.
    public func cacheControl(anonymousStreaming: Bool) -> String {
        track.visibility == .public && anonymousStreaming ? "public, no-cache" : "private, no-cache"
    }

    /// "Artist - Title.mp3", "Title.mp3", or the id when the track has no title (the extension is the format's).
    public var downloadFilename: String {
        let metadata = track.metadata
        let title = metadata.title ?? track.id.lowercasedString
        return (metadata.artist.map { "\($0) - \(title)" } ?? title) + "." + track.format.rawValue
    }

    /// The response to `request` (GET or HEAD): Range, multipart/byteranges and conditional requests are HTTP,
    /// not music, and come from `FileResponse`; the body goes out through a `TrackStream`.
    /// Bucket audio is proxied (`BucketAudio.response`): 503 when every reader is busy.
    public func response(
        to request: Request, anonymousStreaming: Bool, isDownload: Bool
    ) throws -> Response {
        var headers = HTTPHeaders()
        headers[.cacheControl] = cacheControl(anonymousStreaming: anonymousStreaming)
        if isDownload { headers[.contentDisposition] = ContentDisposition.attachment(filename: downloadFilename) }
        headers[.xContentDuration] = Self.formatDuration(track.audio?.durationSeconds ?? 0)
        switch source {
        case .file(let file):
            return Self.streamed(FileResponse.make(
                file: file, method: request.method, requestHeaders: request.headers, etag: etag,
                contentType: track.format.contentType, headers: headers))
        case .bucket(let audio):
            return try audio.response(
                method: request.method, requestHeaders: request.headers, etag: etag,
                lastModified: Int64(track.updatedAt.timeIntervalSince1970), contentType: track.format.contentType,
                headers: headers, mayRedirect: !isDownload)
        }
    }

    /// A file response whose body goes out through a `TrackStream` (bounded slices, `sendfile`).
    static func streamed(_ response: Response) -> Response {
        var response = response
        switch response.body {
        case .file(let region): response.body = .stream(TrackStream(region: region))
        case .stream(let parts): response.body = .stream(TrackStream(parts: parts))
        case .empty, .bytes: break  // 304, 412 and 416 carry no audio
        }
        return response
    }

    /// `X-Content-Duration`: seconds, to the millisecond (players show it before they have the whole file).
    static func formatDuration(_ seconds: Double) -> String {
        String(format: "%.3f", seconds)
    }
}

extension HTTPHeader {
    /// The audio's duration in seconds, on every audio response (Firefox and several players read it).
    static let xContentDuration: HTTPHeader = "X-Content-Duration"
}
