/// A refusal from the object store, or no answer from it: what callers map to their own status (a missing object to
/// 404, anything else to 502/503) and what the log shows.
struct S3Error: Error, Equatable, CustomStringConvertible {
    /// The HTTP status the store answered; nil when it could not be reached or did not answer in time.
    let status: Int?
    /// S3's error code (`NoSuchKey`, `SignatureDoesNotMatch`, `NoSuchUpload` …); `NotFound` for a bodiless 404
    /// (HEAD), `Unreachable` without an answer, `HTTP<status>` when the body named none.
    let code: String
    let message: String
    /// No answer, and the request never left this machine: the store cannot have acted on it.
    let wasNeverSent: Bool

    init(status: Int?, code: String, message: String, wasNeverSent: Bool = false) {
        self.status = status
        self.code = code
        self.message = message
        self.wasNeverSent = wasNeverSent
    }

    /// From an error answer: its status and the `<Error><Code>…</Code><Message>…</Message></Error>` body, if any.
    init(status: Int, body: [UInt8]) {
        let text = String(decoding: body, as: UTF8.self)
        self.status = status
        code = S3XML.value(of: "Code", in: text) ?? (status == 404 ? "NotFound" : "HTTP\(status)")
        message = S3XML.value(of: "Message", in: text) ?? ""
        wasNeverSent = false
    }

    static func unreachable(_ reason: String, wasNeverSent: Bool = false) -> S3Error {
        S3Error(status: nil, code: "Unreachable", message: reason, wasNeverSent: wasNeverSent)
    }

    var isNotFound: Bool { status == 404 }

    var description: String {
        "S3 \(status.map(String.init) ?? "no answer") \(code)" + (message.isEmpty ? "" : ": \(message)")
    }
}
