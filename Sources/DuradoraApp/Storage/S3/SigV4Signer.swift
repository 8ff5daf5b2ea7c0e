import Foundation

/// AWS Signature Version 4 for S3 (and stores that speak it: SeaweedFS, MinIO, R2 …), in its two forms: an
/// `Authorization` header, and a presigned URL whose query carries the signature (`X-Amz-Expires` seconds long).
/// Pure computation from libsodium's SHA-256 and HMAC-SHA256: no clock, no I/O; the caller passes the time.
struct SigV4Signer: Sendable {
    /// The payload hash of a body that is not hashed (streamed uploads over TLS or loopback, presigned URLs).
    static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of no bytes: the payload hash of GET, HEAD and DELETE.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let algorithm = "AWS4-HMAC-SHA256"

    let accessKeyID: String
    let secretAccessKey: String
    let region: String
    var service = "s3"

    /// The headers to add before sending `request`: `x-amz-date`, `x-amz-content-sha256` and `Authorization`
    /// (the first two are signed too). `payloadHash` is the body's SHA-256 in hex, or `unsignedPayload`.
    func signedHeaders(for request: SigV4Request, payloadHash: String, at date: Date) -> [(name: String, value: String)] {
        let time = Self.timestamp(date)
        var signed = request
        signed.headers += [("x-amz-content-sha256", payloadHash), ("x-amz-date", time)]
        let headerNames = signed.canonicalHeaders.map(\.name).joined(separator: ";")
        let signature = signature(canonicalRequest: canonicalRequest(signed, payloadHash: payloadHash), time: time)
        let authorization = "\(Self.algorithm) Credential=\(accessKeyID)/\(scope(time)),SignedHeaders=\(headerNames),Signature=\(signature)"
        return [("x-amz-content-sha256", payloadHash), ("x-amz-date", time), ("Authorization", authorization)]
    }

    /// The query string of a presigned URL for `request` (its own query kept), ending in `X-Amz-Signature`; valid
    /// for `expires` seconds from `date` (S3 allows 1 … 604800). The body is not signed (`UNSIGNED-PAYLOAD`).
    func presignedQuery(for request: SigV4Request, expires: Int, at date: Date) -> String {
        let time = Self.timestamp(date)
        var signed = request
        signed.query += [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(accessKeyID)/\(scope(time))"),
            ("X-Amz-Date", time),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signed.canonicalHeaders.map(\.name).joined(separator: ";")),
        ]
        let signature = signature(canonicalRequest: canonicalRequest(signed, payloadHash: Self.unsignedPayload), time: time)
        return signed.canonicalQuery + "&X-Amz-Signature=" + signature
    }

    /// Method, encoded path, canonical query, canonical headers (each line ended), signed header names, payload hash.
    func canonicalRequest(_ request: SigV4Request, payloadHash: String) -> String {
        let headers = request.canonicalHeaders
        return [
            request.method,
            request.encodedPath,
            request.canonicalQuery,
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            headers.map(\.name).joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    func stringToSign(canonicalRequest: String, time: String) -> String {
        [Self.algorithm, time, scope(time), Sodium.sha256(Array(canonicalRequest.utf8)).lowercaseHex].joined(separator: "\n")
    }

    private func signature(canonicalRequest: String, time: String) -> String {
        let text = stringToSign(canonicalRequest: canonicalRequest, time: time)
        return Sodium.hmacSHA256(key: signingKey(day: String(time.prefix(8))), Array(text.utf8)).lowercaseHex
    }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
    private func signingKey(day: String) -> [UInt8] {
        [day, region, service, "aws4_request"].reduce(Array("AWS4\(secretAccessKey)".utf8)) { key, part in
            Sodium.hmacSHA256(key: key, Array(part.utf8))
        }
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    private func scope(_ time: String) -> String {
        "\(time.prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        return String(parts.tm_year + 1900) + two(parts.tm_mon + 1) + two(parts.tm_mday)
            + "T" + two(parts.tm_hour) + two(parts.tm_min) + two(parts.tm_sec) + "Z"
    }
}
