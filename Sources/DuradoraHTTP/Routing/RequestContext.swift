/// A typed key for values that middleware hands to handlers (for example the authenticated user).
public struct ContextKey<Value: Sendable>: Sendable {
    let name: String
    public init(_ name: String) { self.name = name }
}

/// What routing learned about a request, plus values middleware attached.
public struct RequestContext: Sendable {
    /// The matched pattern (`/api/v1/tracks/{id}`), never the raw path: safe as a metrics label.
    public let route: String
    public let parameters: Parameters
    private var values: [String: any Sendable] = [:]

    public init(route: String, parameters: [String: String] = [:]) {
        self.route = route
        self.parameters = Parameters(values: parameters)
    }

    public subscript<Value>(key: ContextKey<Value>) -> Value? {
        get { values[key.name] as? Value }
        set { values[key.name] = newValue }
    }

    /// Path parameters, percent-decoded.
    public struct Parameters: Sendable {
        let values: [String: String]

        public subscript(name: String) -> String? { values[name] }

        /// A parameter that the route pattern guarantees, as a string.
        public func require(_ name: String) -> String { values[name] ?? "" }
    }
}
