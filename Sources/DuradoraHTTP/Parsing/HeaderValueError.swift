/// A header value (Content-Type, Content-Disposition) that does not follow its grammar.
public struct HeaderValueError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
