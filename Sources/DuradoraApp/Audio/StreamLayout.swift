/// The byte layout of a transcode, known before a single sample is encoded (`MP3StreamLayout`, `OpusStreamLayout`):
/// what lets a live transcode announce its exact `Content-Length` and answer any `Range` on its first play. The
/// stream is a run of segments (MP3 frames, Ogg pages) that an encode can start at, each at a fixed offset.
public protocol StreamLayout: Sendable {
    /// The exact length of the whole stream.
    var totalBytes: Int64 { get }
    var durationSeconds: Double { get }
    /// The segment holding byte `offset`, and the offset that segment starts at: an encode started at that
    /// segment makes the stream's bytes from `start` on.
    func segment(containing offset: Int64) -> (index: Int64, start: Int64)
}
