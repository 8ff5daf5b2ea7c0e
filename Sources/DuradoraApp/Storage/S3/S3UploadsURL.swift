/// `storage.uploads = "s3://bucket/prefix"`: the bucket and the key prefix (no leading or trailing `/`, maybe empty)
/// under which track audio is stored. Anything not starting with `s3://` is a directory, as before.
public struct S3UploadsURL: Sendable, Equatable, CustomStringConvertible {
    public let bucket: String
    public let prefix: String

    public static func names(_ value: String) -> Bool {
        value.lowercased().hasPrefix("s3://")
    }

    /// nil, with `problem` set, when the bucket name breaks S3's rules (3–63 of `a-z 0-9 . -`, starting and ending
    /// with a letter or digit) or the prefix has empty, `.` or `..` segments or control characters.
    public init?(_ value: String, problem: inout String) {
        let rest = value.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        var prefix = String(rest.dropFirst(bucket.count))
        while prefix.hasPrefix("/") { prefix.removeFirst() }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard (3...63).contains(bucket.count), bucket.allSatisfy(allowed.contains),
            bucket.first.map({ $0.isLetter || $0.isNumber }) == true, bucket.last.map({ $0.isLetter || $0.isNumber }) == true
        else {
            problem = "must be s3://BUCKET/PREFIX with a bucket name of 3 to 63 lower-case letters, digits, dots and hyphens, "
                + "got \"\(value)\""
            return nil
        }
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false)
        guard prefix.isEmpty || !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
            !prefix.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
        else {
            problem = "has a key prefix with empty, \".\" or \"..\" segments or control characters: \"\(value)\""
            return nil
        }
        self.bucket = bucket
        self.prefix = prefix
    }

    public var description: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }
}
