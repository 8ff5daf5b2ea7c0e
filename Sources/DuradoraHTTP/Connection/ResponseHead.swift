/// The bytes of one response head, written into one buffer reserved once, with room for a small body behind it:
/// the status line from a table, the handler's fields, the loop's common lines (`CommonHeadLines`) and the framing,
/// each appended as bytes. No String is built on the way (the head was 16 % of a `/health` request's
/// instructions when it was assembled from Strings field by field).
struct ResponseHead {
    private(set) var bytes: [UInt8] = []

    /// Reserves room for a head with these parts and `bodyCount` bytes of body after it.
    init(fields: HTTPHeaders, commonLines: [UInt8], requestId: String, bodyCount: Int) {
        // Status line, X-Request-Id, Content-Length or chunked, Connection: well within the constant.
        var capacity = 128 + commonLines.count + requestId.utf8.count + bodyCount
        for field in fields.fields { capacity += field.name.name.utf8.count + field.value.utf8.count + 4 }
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ text: StaticString) {
        bytes.appendBytes(text)
    }

    mutating func append(_ text: String) {
        bytes.appendBytes(text)
    }

    mutating func append(_ other: [UInt8]) {
        other.withUnsafeBufferPointer { bytes.appendBytes($0) }
    }

    /// `name: value` and CRLF.
    mutating func appendField(_ name: String, _ value: String) {
        append(name)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        append(value)
        appendLineEnd()
    }

    mutating func appendLineEnd() {
        bytes.append(13)
        bytes.append(10)
    }

    mutating func appendStatusLine(_ status: HTTPStatus) {
        if let line = status.statusLine { return append(line) }
        append("HTTP/1.1 ")
        appendDecimal(Int64(status.code))
        bytes.append(UInt8(ascii: " "))
        append(status.reason)
        appendLineEnd()
    }

    /// A non-negative number in decimal digits.
    mutating func appendDecimal(_ value: Int64) {
        var remaining = UInt64(max(0, value))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            bytes.appendBytes(UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
