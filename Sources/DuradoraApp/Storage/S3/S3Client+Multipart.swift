import Foundation

/// Multipart uploads: large files go up in parts (each at least 5 MiB but the last), and an upload that is never
/// completed stays invisible until aborted — which is why `listMultipartUploads` exists: a cleanup pass aborts the
/// ones a crash left behind.
extension S3Client {
    /// An upload begun and neither completed nor aborted.
    struct MultipartUpload: Sendable, Equatable {
        var key: String
        var uploadID: String
        /// As S3 gives it (ISO 8601, e.g. `2026-12-02T14:47:08.000Z`).
        var initiated: String
    }

    /// Begins an upload to `key`; returns its upload id.
    func createMultipartUpload(key: String, contentType: String = "application/octet-stream") throws -> String {
        let answer = try performXML("POST", key: key, query: [("uploads", "")], headers: [("Content-Type", contentType)])
        guard let id = S3XML.value(of: "UploadId", in: answer), !id.isEmpty else {
            throw S3Error(status: 200, code: "MalformedAnswer", message: "CreateMultipartUpload answered no UploadId")
        }
        return id
    }

    /// Sends `length` bytes of `file` from `offset` as part `number` (1…10000); returns the part's ETag.
    func uploadPart(key: String, uploadID: String, number: Int, file: String, offset: Int64, length: Int64) throws -> String {
        let head = try perform(
            "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
            body: [.fileRegion(file, offset: offset, length: length)],
            payloadHash: try Self.sha256Hex(file: file, offset: offset, length: length))
        guard let eTag = head.header("ETag") else {
            throw S3Error(status: head.status, code: "MalformedAnswer", message: "UploadPart answered no ETag")
        }
        return eTag
    }

    /// Joins the parts (number, ETag), in order, into the object. S3 may answer 200 and still fail (the error is
    /// then in the body), so the body is checked too.
    func completeMultipartUpload(key: String, uploadID: String, parts: [(number: Int, eTag: String)]) throws {
        let xml = "<CompleteMultipartUpload>"
            + parts.map { "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(S3XML.escape($0.eTag))</ETag></Part>" }.joined()
            + "</CompleteMultipartUpload>"
        let answer = try performXML("POST", key: key, query: [("uploadId", uploadID)], body: Array(xml.utf8))
        if !S3XML.elements("Error", in: answer).isEmpty { throw S3Error(status: 200, body: Array(answer.utf8)) }
    }

    /// Drops the upload and its parts.
    func abortMultipartUpload(key: String, uploadID: String) throws {
        try perform("DELETE", key: key, query: [("uploadId", uploadID)])
    }

    /// Every unfinished upload whose key starts with `prefix`, all pages of the listing followed.
    func listMultipartUploads(prefix: String = "") throws -> [MultipartUpload] {
        var uploads: [MultipartUpload] = []
        var markers: [(name: String, value: String)] = []
        while true {
            let query = [("uploads", ""), ("prefix", prefix)] + markers
            let answer = try performXML("GET", key: nil, query: query)
            for upload in S3XML.elements("Upload", in: answer) {
                let text = String(upload)
                uploads.append(MultipartUpload(
                    key: S3XML.value(of: "Key", in: text) ?? "", uploadID: S3XML.value(of: "UploadId", in: text) ?? "",
                    initiated: S3XML.value(of: "Initiated", in: text) ?? ""))
            }
            guard S3XML.value(of: "IsTruncated", in: answer) == "true",
                let key = S3XML.value(of: "NextKeyMarker", in: answer), let id = S3XML.value(of: "NextUploadIdMarker", in: answer),
                markers.first?.value != key || markers.last?.value != id
            else { return uploads }
            markers = [("key-marker", key), ("upload-id-marker", id)]
        }
    }

    /// The keys of every object whose key starts with `prefix` (ListObjectsV2, all pages followed), in key order.
    func listObjects(prefix: String) throws -> [String] {
        var keys: [String] = []
        var continuation: [(name: String, value: String)] = []
        while true {
            let answer = try performXML("GET", key: nil, query: [("list-type", "2"), ("prefix", prefix)] + continuation)
            keys += S3XML.elements("Contents", in: answer).compactMap { S3XML.value(of: "Key", in: String($0)) }
            guard S3XML.value(of: "IsTruncated", in: answer) == "true",
                let token = S3XML.value(of: "NextContinuationToken", in: answer), continuation.first?.value != token
            else { return keys }
            continuation = [("continuation-token", token)]
        }
    }
}
