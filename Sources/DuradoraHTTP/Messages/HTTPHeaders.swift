/// An ordered list of header fields; lookups ignore case. Duplicates are kept (Set-Cookie needs them).
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: HTTPHeader, value: String)] = []

    public init() {}
    public init(_ fields: [(HTTPHeader, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }
    public init(dictionaryLiteral elements: (HTTPHeader, String)...) { self.init(elements) }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of `name`, if present.
    public subscript(name: HTTPHeader) -> String? {
        get { fields.first { $0.name == name }?.value }
        set {
            remove(name)
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Every value of `name`, in order.
    public func values(_ name: HTTPHeader) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// Every value of a list-valued header (RFC 9110 §5.6.1), split on commas and trimmed, empty elements dropped.
    public func listValues(_ name: HTTPHeader) -> [String] {
        values(name).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingHTTPWhitespace() }
            .filter { !$0.isEmpty }
    }

    public func contains(_ name: HTTPHeader) -> Bool { fields.contains { $0.name == name } }

    public mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    public mutating func add(_ name: HTTPHeader, _ value: String) {
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: HTTPHeader) {
        fields.removeAll { $0.name == name }
    }

    public func makeIterator() -> IndexingIterator<[(name: HTTPHeader, value: String)]> {
        fields.makeIterator()
    }
}

extension StringProtocol {
    /// Trims spaces and horizontal tabs, the only whitespace HTTP allows around values (RFC 9110 §5.6.3).
    public func trimmingHTTPWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
