extension Configuration.Storage {
    /// `[storage.s3]`: how to reach the store `storage.uploads = "s3://…"` names. Read only then.
    public struct S3: Sendable, Equatable {
        /// The store's base URL, e.g. `http://127.0.0.1:8333` or `https://s3.eu-west-1.amazonaws.com`.
        public var endpoint = ""
        /// The SigV4 signing region (self-hosted stores accept any; `us-east-1` is their usual default).
        public var region = "us-east-1"
        public var accessKeyID = ""
        public var secretAccessKey = ""
        /// `endpoint/bucket/key` (self-hosted stores) rather than `bucket.endpoint/key`.
        public var pathStyle = true
        /// Streams answer `302` to a short-lived presigned URL instead of proxying the bytes (browsers only:
        /// Subsonic clients do not follow redirects reliably).
        public var redirect = false

        public init() {}
    }

    /// The bucket and prefix `uploads` names; nil when it is a directory.
    public var s3Uploads: S3UploadsURL? {
        var problem = ""
        return S3UploadsURL.names(uploads) ? S3UploadsURL(uploads, problem: &problem) : nil
    }
}

extension Configuration {
    /// When `storage.uploads` names a bucket: the endpoint and both keys must be set. Then the start is refused by
    /// name until track files go through the store (issue 16) — read as a directory, the URL would silently become
    /// an empty local folder called `s3:`.
    func validateS3Uploads() throws {
        guard let bucket = storage.s3Uploads else { return }
        for (key, value) in [
            ("endpoint", storage.s3.endpoint), ("access_key_id", storage.s3.accessKeyID),
            ("secret_access_key", storage.s3.secretAccessKey),
        ] where value.isEmpty {
            throw ConfigurationError(
                source: .combined, key: "storage.s3.\(key)", message: "must be set when storage.uploads names an S3 bucket (\(bucket))")
        }
        throw ConfigurationError(
            source: .combined, key: "storage.uploads",
            message: "names an S3 bucket (\(bucket)), which this build cannot store uploads in yet (issue 16): "
                + "point storage.uploads at a directory")
    }
}
