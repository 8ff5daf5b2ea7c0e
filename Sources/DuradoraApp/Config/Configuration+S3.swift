import Foundation

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
        /// Streams answer `302` to a presigned URL (an hour long) instead of proxying the bytes — for browsers
        /// only, told by `Sec-Fetch-Dest`: Subsonic clients and scripts do not follow redirects reliably.
        public var redirect = false
        /// This instance's own working files when the audio is in a bucket: uploads being received and encoded,
        /// and the pictures embedded in uploads (absolute, resolved like the storage paths). Local copies of objects
        /// the decoders read live in the transcode cache, under its cap.
        public var localDir = Configuration.absolutePath(defaultLocalDir, relativeTo: FileManager.default.currentDirectoryPath)

        public static let defaultLocalDir = "data/s3-local"

        public init() {}
    }

    /// This instance's local folder for received bodies, staged encodes and covers: `uploads` itself, or
    /// `[storage.s3] local_dir` when the audio is in a bucket.
    public var localUploads: String { s3Uploads == nil ? uploads : s3.localDir }

    /// The bucket and prefix `uploads` names; nil when it is a directory.
    public var s3Uploads: S3UploadsURL? {
        var problem = ""
        return S3UploadsURL.names(uploads) ? S3UploadsURL(uploads, problem: &problem) : nil
    }
}

extension Configuration {
    /// When `storage.uploads` names a bucket: the endpoint and both keys must be set.
    func validateS3Uploads() throws {
        guard let bucket = storage.s3Uploads else { return }
        for (key, value) in [
            ("endpoint", storage.s3.endpoint), ("access_key_id", storage.s3.accessKeyID),
            ("secret_access_key", storage.s3.secretAccessKey),
        ] where value.isEmpty {
            throw ConfigurationError(
                source: .combined, key: "storage.s3.\(key)", message: "must be set when storage.uploads names an S3 bucket (\(bucket))")
        }
    }
}
