/// The fields of an `application/x-www-form-urlencoded` body (`name=value&…`, `+` for space, `%XX` escapes),
/// in order. Pairs that do not decode to UTF-8 are skipped, as `PercentDecoding.queryItems` does.
public struct URLEncodedForm: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    public let fields: [Field]

    /// Parses a whole body; the caller bounds its size (forms are small; read at most a few KiB).
    public init(parsing body: [UInt8]) {
        self.init(parsing: String(decoding: body, as: UTF8.self))
    }

    public init(parsing body: String) {
        fields = PercentDecoding.queryItems(body).map { Field(name: $0.name, value: $0.value) }
    }

    /// The first value of `name` (names are case-sensitive, as in HTML forms).
    public subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }
}
