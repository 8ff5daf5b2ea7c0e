import DuradoraHTTP

/// The transcoding query of `/stream`: `format=raw|mp3|opus`, `max_bitrate=KBPS`, `time_offset=SECONDS`.
/// Bad values are 422 naming the parameter, as for the list parameters.
struct StreamOptions: Sendable, Equatable {
    enum Format: String, Sendable, CaseIterable {
        case raw
        case mp3
        case opus
    }

    static let parameterNames = ["format", "max_bitrate", "time_offset"]

    var format: Format?
    /// kbps; nil (or 0 in the query) = no limit asked.
    var maxBitrate: Int?
    var timeOffset: Double = 0

    init(format: Format? = nil, maxBitrate: Int? = nil, timeOffset: Double = 0) {
        self.format = format
        self.maxBitrate = maxBitrate
        self.timeOffset = timeOffset
    }

    init(_ request: Request) throws(APIError) {
        if let text = request.query("format"), !text.isEmpty {
            guard let format = Format(rawValue: text.lowercased()) else {
                throw .invalidField("format", "must be one of raw, mp3, opus")
            }
            self.format = format
        }
        if let text = request.query("max_bitrate"), !text.isEmpty {
            guard let kbps = Int(text), kbps >= 0, kbps <= 100_000 else {
                throw .invalidField("max_bitrate", "must be a whole number of kbps (0 = no limit)")
            }
            maxBitrate = kbps == 0 ? nil : kbps
        }
        if let text = request.query("time_offset"), !text.isEmpty {
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
                throw .invalidField("time_offset", "must be a number of seconds, at least 0")
            }
            timeOffset = seconds
        }
    }

    /// True when the request names any transcoding parameter (the stream fast path leaves those to the worker).
    static func isPresent(in request: Request) -> Bool {
        parameterNames.contains { request.query($0) != nil }
    }

    /// The profile to transcode `track` to, or nil for the stored file: no limit (or one at or above the stored
    /// bitrate) in the stored format, no offset, or `raw`. `preference` is the listener's `max_bitrate`, used when
    /// the request names none.
    func profile(for track: Track, preference: Int?) throws(APIError) -> StreamProfile? {
        let stored = track.audio?.bitrate ?? 0
        let channels = track.audio?.channels ?? 2
        if format == .raw {
            if timeOffset > 0 { throw .invalidField("time_offset", "needs a transcode; it cannot apply to format=raw") }
            return nil
        }
        let limit = maxBitrate ?? preference
        switch format ?? .mp3 {
        case .raw:
            return nil
        case .mp3:
            if timeOffset == 0 && (limit ?? stored) >= stored { return nil }
            let kbps = min(limit ?? stored, stored)
            guard let profile = StreamProfile.mp3(maxKbps: kbps, sourceChannels: channels) else {
                let lowest = StreamProfile.mp3Bitrates[0]
                throw .invalidField(maxBitrate == nil ? "max_bitrate (preference)" : "max_bitrate",
                                    "must be at least \(lowest) for mp3")
            }
            return profile
        case .opus:
            let kbps = limit ?? 128   // Opus at 128 kbps is transparent for music
            guard let profile = StreamProfile.opus(maxKbps: kbps, sourceChannels: channels) else {
                throw .invalidField(maxBitrate == nil ? "max_bitrate (preference)" : "max_bitrate",
                                    "must be at least \(StreamProfile.opusBitrates[0]) for opus")
            }
            return profile
        }
    }
}
