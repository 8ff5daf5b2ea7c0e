extension HTTPStatus {
    /// `HTTP/1.1 200 OK` and CRLF as bytes, for a status with its standard reason; nil for others (the writer
    /// then spells it out). Made once per code, not per response.
    var statusLine: [UInt8]? {
        guard Self.statusLines.indices.contains(code), let entry = Self.statusLines[code], entry.reason == reason
        else { return nil }
        return entry.bytes
    }

    private struct StatusLine: Sendable {
        let reason: String
        let bytes: [UInt8]
    }

    /// Every code `defaultReason(for:)` names, in an array indexed by code: one bounds check, no hashing.
    private static let statusLines: [StatusLine?] = (0..<600).map { code in
        let reason = defaultReason(for: code)
        guard code >= 100, reason != "Status \(code)" else { return nil }
        return StatusLine(reason: reason, bytes: Array("HTTP/1.1 \(code) \(reason)\r\n".utf8))
    }
}
