/// Who may find and play a track (contract, "Tracks"). Stored and sent as its raw value.
public enum Visibility: String, Sendable, Codable, CaseIterable {
    /// Listed and searchable; streamable by anyone (or by any signed-in user when anonymous streaming is off).
    case `public`
    /// Not listed; anyone who holds the id may see and stream it.
    case link
    /// The owner and admins only.
    case `private`
}

/// Where a track's audio stands.
public enum TrackStatus: String, Sendable, Codable, CaseIterable {
    /// Metadata only; no audio yet.
    case empty
    /// Long audio being encoded in the background; stream and download answer 409 until it ends.
    case processing
    case ready
    /// The background encode failed; `Track.error` says why.
    case failed
}
