import Foundation

/// Track objects in an S3 bucket under a key prefix (`storage.uploads = "s3://bucket/prefix"`), shared by every
/// instance behind the load balancer. Small files go up in one PUT, larger ones as a multipart upload — an upload
/// that is never completed stays invisible, so a crash mid-way leaves no object, only parts for `sweepStale`.
/// A store that does not answer throws `S3Error.unreachable` within the client's timeout instead of hanging.
struct S3TrackStore: TrackObjectStore {
    let client: S3Client
    /// No leading or trailing `/`; may be empty (then the whole bucket is this store's, the sweep included).
    let prefix: String
    /// Files this size or larger go up in parts of this size: a failed part costs one part to resend, not the file,
    /// and 16 MiB × S3's 10 000 parts is far beyond any track.
    let partSize: Int64

    static let defaultPartSize: Int64 = 16 << 20

    init(client: S3Client, prefix: String, partSize: Int64 = defaultPartSize) {
        precondition(partSize >= 5 << 20, "S3 refuses parts under 5 MiB but the last")
        self.client = client
        self.prefix = prefix
        self.partSize = partSize
    }

    /// The store `storage.uploads` and `[storage.s3]` name; nil when the endpoint is not an http(s) base URL.
    init?(uploads: S3UploadsURL, settings: Configuration.Storage.S3, timeout: Double = 30) {
        guard let endpoint = S3Endpoint(
            url: settings.endpoint, bucket: uploads.bucket, region: settings.region, accessKeyID: settings.accessKeyID,
            secretAccessKey: settings.secretAccessKey, pathStyle: settings.pathStyle)
        else { return nil }
        self.init(client: S3Client(endpoint: endpoint, timeout: timeout), prefix: uploads.prefix)
    }

    func objectKey(_ key: TrackObjectKey) -> String {
        prefix.isEmpty ? key.path : prefix + "/" + key.path
    }

    func store(file: String, key: TrackObjectKey) throws {
        defer { StagedAudioFile.remove(file) }
        let name = objectKey(key)
        let size = try TrackFiles.size(of: file)
        var uploadID: String?
        do {
            if size < partSize {
                try client.putObject(key: name, file: file, contentType: key.contentType)
            } else {
                let id = try client.createMultipartUpload(key: name, contentType: key.contentType)
                uploadID = id
                try uploadParts(of: file, size: size, to: name, uploadID: id)
            }
        } catch {
            discard(name, uploadID: uploadID, after: error)
            throw error
        }
    }

    private func uploadParts(of file: String, size: Int64, to name: String, uploadID: String) throws {
        var parts: [(number: Int, eTag: String)] = []
        var offset: Int64 = 0
        while offset < size {
            let length = min(partSize, size - offset)
            let eTag = try client.uploadPart(
                key: name, uploadID: uploadID, number: parts.count + 1, file: file, offset: offset, length: length)
            parts.append((parts.count + 1, eTag))
            offset += length
        }
        try client.completeMultipartUpload(key: name, uploadID: uploadID, parts: parts)
    }

    /// After a failed store, best effort: the upload's parts are aborted, and when the store may have done the work
    /// but its answer was lost (a timeout after sending), the object is deleted — the key is new, so nothing else
    /// can live there. A store that refused the connection, or stops answering now, is not asked again: that would
    /// only add timeouts, and the parts are then the sweep's to abort.
    private func discard(_ name: String, uploadID: String?, after error: any Error) {
        if let uploadID {
            do {
                try client.abortMultipartUpload(key: name, uploadID: uploadID)
            } catch let failure as S3Error where failure.status == nil {
                return
            } catch {}
        }
        guard let failure = error as? S3Error, failure.code == "Unreachable", !failure.wasNeverSent else { return }
        try? client.deleteObject(key: name)
    }

    func info(key: TrackObjectKey) throws -> TrackObjectInfo? {
        let head: S3Client.ObjectInfo
        do {
            head = try client.headObject(key: objectKey(key))
        } catch let error as S3Error where error.isNotFound {
            return nil
        }
        guard let size = head.contentLength else {
            throw S3Error(status: head.status, code: "MalformedAnswer", message: "HEAD \(objectKey(key)) answered no Content-Length")
        }
        return TrackObjectInfo(size: size, eTag: head.eTag ?? "")
    }

    /// One GET, resumed where it stopped when the connection fails after delivering bytes: the client bounds a whole
    /// exchange by its timeout, and a listener who pauses holds the sink (and so the GET) longer than that. The
    /// resumed GET asks `If-Match` the first one's ETag, so it cannot splice in other bytes. A GET that fails before
    /// delivering anything is not retried: a store that is down fails fast.
    func read(key: TrackObjectKey, range: ClosedRange<Int64>?, into sink: ([UInt8]) throws -> Void) throws {
        let name = objectKey(key)
        var next = range?.lowerBound ?? 0
        var eTag: String?
        var sinkFailure: (any Error)?
        while true {
            if let range, next > range.upperBound { return }
            let isRanged = range != nil || next > 0
            var headers: [(name: String, value: String)] = []
            if isRanged { headers.append(("Range", "bytes=\(next)-" + (range.map { String($0.upperBound) } ?? ""))) }
            if let eTag { headers.append(("If-Match", eTag)) }
            var delivered = false
            do {
                try client.perform(
                    "GET", key: name, headers: headers,
                    onHead: { head in
                        // A store that ignores Range answers 200 with the whole object: never pass that off as the range.
                        if isRanged, head.status != 206 {
                            throw S3Error(status: head.status, code: "RangeIgnored", message: "GET \(name) with Range answered \(head.status)")
                        }
                        eTag = eTag ?? head.header("ETag")
                    },
                    into: { piece in
                        do { try sink(piece) } catch {
                            sinkFailure = error
                            throw error
                        }
                        next += Int64(piece.count)
                        delivered = true
                    })
                return
            } catch let error as S3Error where error.isNotFound && sinkFailure == nil {
                throw TrackObjectStoreError.notFound(name)
            } catch let error as S3Error where error.status == nil && delivered && sinkFailure == nil {
                continue
            }
        }
    }

    func remove(key: TrackObjectKey) throws {
        try client.deleteObject(key: objectKey(key))
    }

    func removeAll(trackID: UUID) throws -> Int {
        let keys = try client.listObjects(prefix: prefix.isEmpty ? TrackObjectKey.prefix(of: trackID)
                                                                 : prefix + "/" + TrackObjectKey.prefix(of: trackID))
        for key in keys { try client.deleteObject(key: key) }
        return keys.count
    }

    /// Aborts the multipart uploads under the prefix begun before `cutoff`: what an instance that died mid-store
    /// left. Younger ones may be another instance's store in progress; one whose start cannot be read is left too.
    func sweepStale(olderThan cutoff: Date) throws -> Int {
        var aborted = 0
        for upload in try client.listMultipartUploads(prefix: prefix.isEmpty ? "" : prefix + "/") {
            guard let initiated = RFC3339.date(from: upload.initiated), initiated < cutoff else { continue }
            do {
                try client.abortMultipartUpload(key: upload.key, uploadID: upload.uploadID)
                aborted += 1
            } catch let error as S3Error where error.code == "NoSuchUpload" {
                // Completed or aborted meanwhile by its own instance.
            }
        }
        return aborted
    }
}
