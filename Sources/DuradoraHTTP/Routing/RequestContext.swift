/// A typed key for values that middleware hands to handlers (for example the authenticated user).
public struct ContextKey<Value: Sendable>: Sendable {
    let name: String
    public init(_ name: String) { self.name = name }
}

/// What routing learned about a request, plus values middleware attached.
///
/// Both are short lists searched in turn, not dictionaries: a route has at most a few parameters and a request a
/// value or two, and a `Dictionary` cost an allocation and a string hash per entry on every request (callgrind).
public struct RequestContext: Sendable {
    /// The matched pattern (`/api/v1/tracks/{id}`), never the raw path: safe as a metrics label.
    public let route: String
    public let parameters: Parameters
    private var values: [(name: String, value: any Sendable)] = []

    public init(route: String, parameters: [String: String] = [:]) {
        self.init(route: route, captured: parameters.map { (name: $0.key, value: $0.value) })
    }

    init(route: String, captured: [(name: String, value: String)]) {
        self.route = route
        self.parameters = Parameters(values: captured)
    }

    public subscript<Value>(key: ContextKey<Value>) -> Value? {
        get { values.first { $0.name == key.name }?.value as? Value }
        set {
            values.removeAll { $0.name == key.name }
            if let newValue { values.append((name: key.name, value: newValue)) }
        }
    }

    /// Path parameters, percent-decoded.
    public struct Parameters: Sendable {
        let values: [(name: String, value: String)]

        public subscript(name: String) -> String? { values.first { $0.name == name }?.value }

        /// A parameter that the route pattern guarantees, as a string.
        public func require(_ name: String) -> String { self[name] ?? "" }
    }
}
