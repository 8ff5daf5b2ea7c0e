import DuradoraHTTP
import Foundation

/// The object operations Duradora needs, signed with SigV4 and sent over `PlainHTTPClient` (one connection per
/// request): bodies stream from files, downloads stream to a sink, nothing is held whole in memory. Every call
/// blocks for at most `timeout` seconds per wait, so run it on a worker, never a connection queue. A refusal or no
/// answer throws `S3Error`.
struct S3Client: Sendable {
    /// What S3 tells about a stored object (from GET or HEAD).
    struct ObjectInfo: Sendable, Equatable {
        var status: Int
        var contentLength: Int64?
        /// `bytes 0-9/100` on a 206.
        var contentRange: String?
        var eTag: String?
        var contentType: String?
    }

    let endpoint: S3Endpoint
    let timeout: Double
    /// Trusted for https besides the system's certificate authorities (a self-hosted store's own CA).
    let caFile: String?
    private let signer: SigV4Signer

    /// XML answers (errors, listings) are read up to this size; S3's are far smaller.
    static let maxXMLBytes = 4 << 20

    init(endpoint: S3Endpoint, timeout: Double = 30, caFile: String? = nil) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.caFile = caFile
        signer = SigV4Signer(accessKeyID: endpoint.accessKeyID, secretAccessKey: endpoint.secretAccessKey, region: endpoint.region)
    }

    /// Stores `file` under `key` in one request (the body's SHA-256 is computed first, in pieces, and signed).
    @discardableResult
    func putObject(key: String, file: String, contentType: String = "application/octet-stream") throws -> String? {
        let head = try perform(
            "PUT", key: key, headers: [("Content-Type", contentType)], body: [.file(file)],
            payloadHash: try Self.sha256Hex(file: file, offset: 0, length: nil))
        return head.header("ETag")
    }

    /// Streams the object (or the `range`, an HTTP `Range` value such as `bytes=0-9`, passed through) to `sink`;
    /// `onHead` sees status (200 or 206), length and range before the first byte.
    @discardableResult
    func getObject(
        key: String, range: String? = nil, onHead: (ObjectInfo) throws -> Void = { _ in },
        into sink: ([UInt8]) throws -> Void
    ) throws -> ObjectInfo {
        let head = try perform("GET", key: key, headers: range.map { [("Range", $0)] } ?? [], onHead: { try onHead(Self.info($0)) }, into: sink)
        return Self.info(head)
    }

    /// The object's length, type and ETag; a missing key throws `S3Error` with status 404.
    func headObject(key: String) throws -> ObjectInfo {
        Self.info(try perform("HEAD", key: key))
    }

    /// Removes the object; removing a missing key succeeds (S3's semantics).
    func deleteObject(key: String) throws {
        try perform("DELETE", key: key)
    }

    /// A URL anyone holding it may GET `key` with (ranges included) for `expires` seconds from `date`: the
    /// signature is in its query, so the key never leaves this server.
    func presignedGetURL(key: String, expires: Int, at date: Date = Date()) -> String {
        let request = SigV4Request(method: "GET", path: endpoint.path(of: key), headers: [("Host", endpoint.hostHeader)])
        return endpoint.url(request.encodedPath + "?" + signer.presignedQuery(for: request, expires: expires, at: date))
    }

    /// Signs, sends, and turns any status outside 2xx into `S3Error` (with the XML body's code and message).
    /// Success bodies go to `sink`; error bodies are collected instead (bounded) to build the error.
    @discardableResult
    func perform(
        _ method: String, key: String?, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
        body: [PlainHTTPClient.Part] = [], payloadHash: String = SigV4Signer.emptyPayloadHash,
        onHead: (PlainHTTPClient.Head) throws -> Void = { _ in }, into sink: ([UInt8]) throws -> Void = { _ in }
    ) throws -> PlainHTTPClient.Head {
        let request = SigV4Request(
            method: method, path: endpoint.path(of: key), query: query, headers: [("Host", endpoint.hostHeader)] + headers)
        let signed = signer.signedHeaders(for: request, payloadHash: payloadHash, at: Date())
        var failed = false
        var errorBody: [UInt8] = []
        let head: PlainHTTPClient.Head
        do {
            head = try PlainHTTPClient.send(
                method, endpoint.url(request.target), headers: (request.headers + signed).map { ($0.name, $0.value) }, body: body,
                timeout: timeout, caFile: caFile,
                onHead: { head in
                    failed = !(200..<300).contains(head.status)
                    if !failed { try onHead(head) }
                },
                into: { piece in
                    if !failed { return try sink(piece) }
                    if errorBody.count < Self.maxXMLBytes { errorBody += piece.prefix(Self.maxXMLBytes - errorBody.count) }
                })
        } catch let failure as PlainHTTPClient.Failure {
            throw S3Error.unreachable("\(method) \(endpoint.hostHeader): \(failure.description)", wasNeverSent: failure.wasNeverSent)
        }
        if failed { throw S3Error(status: head.status, body: errorBody) }
        return head
    }

    /// Like `perform`, collecting the (bounded) XML answer as text.
    func performXML(
        _ method: String, key: String?, query: [(name: String, value: String)], headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) throws -> String {
        var answer: [UInt8] = []
        try perform(
            method, key: key, query: query, headers: headers, body: body.isEmpty ? [] : [.bytes(body)],
            payloadHash: Sodium.sha256(body).lowercaseHex,
            into: { piece in
                guard answer.count + piece.count <= Self.maxXMLBytes else {
                    throw S3Error(status: nil, code: "AnswerTooLarge", message: "\(method) answered more than \(Self.maxXMLBytes) bytes")
                }
                answer += piece
            })
        return String(decoding: answer, as: UTF8.self)
    }

    /// SHA-256 (hex) of `length` bytes of `file` from `offset` (nil: to the end), read 64 KiB at a time.
    static func sha256Hex(file: String, offset: Int64, length: Int64?) throws -> String {
        var hasher = Sodium.SHA256Stream()
        do {
            try FilePieces.read(file, offset: offset, length: length) { piece in piece.withUnsafeBytes { hasher.update($0) } }
        } catch let failure as FilePieces.Failure {
            throw S3Error(status: nil, code: "LocalFile", message: failure.description)
        }
        return hasher.finish().lowercaseHex
    }

    private static func info(_ head: PlainHTTPClient.Head) -> ObjectInfo {
        ObjectInfo(
            status: head.status, contentLength: head.header("Content-Length").flatMap { Int64($0) },
            contentRange: head.header("Content-Range"), eTag: head.header("ETag"), contentType: head.header("Content-Type"))
    }
}
