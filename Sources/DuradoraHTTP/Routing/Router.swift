import Synchronization

/// How the router will answer a request: already answered (an inline route), or by running `answer` on a worker.
public enum RoutedRequest: Sendable {
    case answered(response: Response, route: String)
    case onWorker(answer: @Sendable () -> (response: Response, route: String))
}

/// Matches method + path to handlers: 404 for an unknown path, 405 with `Allow` for a known path and a wrong
/// method, HEAD served by the GET handler (the writer drops the body), OPTIONS answered from the route table.
/// Routes are registered before the server starts; matching is read-only afterwards.
public final class Router: Sendable {
    /// A class, not a struct: a request's match is then one reference, where copying the struct out of its group
    /// retained and released each of its closures (callgrind).
    final class Route: Sendable {
        let method: HTTPMethod
        let pattern: RoutePattern
        let handler: Handler
        /// Runs on the connection's event loop, without middleware (see `getInline`).
        let isInline: Bool
        /// Tried on the event loop before the handler; nil lets the handler answer (see `get(_:fastPath:_:)`).
        let fastPath: FastPathHandler?
        /// `handler` inside the router's middleware (set by `Compiled`; inline routes run without it).
        let chain: Handler?

        init(method: HTTPMethod, pattern: RoutePattern, handler: @escaping Handler, isInline: Bool,
             fastPath: FastPathHandler? = nil, chain: Handler? = nil) {
            self.method = method
            self.pattern = pattern
            self.handler = handler
            self.isInline = isInline
            self.fastPath = fastPath
            self.chain = chain
        }

        /// This route with its handler inside `chain`.
        func wrapped(in chain: @escaping Handler) -> Route {
            Route(method: method, pattern: pattern, handler: handler, isInline: isInline, fastPath: fastPath, chain: chain)
        }
    }

    /// The routes of one path pattern, one per method.
    struct PatternGroup: Sendable {
        let pattern: RoutePattern
        var routes: [Route]
    }

    /// Groups in matching order (most literal segments first), each pattern once: a request is matched against
    /// each pattern once, and its method picked from the group.
    private let state = Mutex(Table())

    struct Table {
        var groups: [PatternGroup] = []
        var middleware: [any Middleware] = []
        /// What `route` reads, rebuilt whenever a route or middleware is added (before the server starts).
        var compiled = Compiled(groups: [], middleware: [])
    }

    /// The routes ready for matching: the patterns' tree, and each route's handler already wrapped in the
    /// middleware. Built once, not per request: wrapping per request cost a closure allocation per middleware,
    /// and reading the table copied its arrays out of the lock (retains and releases) on every request.
    final class Compiled: Sendable {
        /// A pattern's routes, as matching reads them: an object, so taking a request's group is one reference
        /// (copying the struct retained its pattern's segments, its text and its routes, and released them after).
        final class Group: Sendable {
            let pattern: RoutePattern
            let routes: [Route]

            init(_ group: PatternGroup) {
                pattern = group.pattern
                routes = group.routes
            }
        }

        let groups: [Group]
        let trie: RouteTrie
        /// The patterns without a parameter, by their path (`/health`, `/rest/ping.view`): a request path in that
        /// form finds its group with one hash, without cutting it into segments and walking the tree (callgrind:
        /// ~500 instructions of a `/health` request). Where it names a group, the tree gives the same one: a
        /// pattern of literals only comes before every other pattern of its length.
        let literals: [String: Int]

        init(groups: [PatternGroup], middleware: [any Middleware]) {
            self.groups = groups.map { group in
                var group = group
                for index in group.routes.indices where !group.routes[index].isInline {
                    let route = group.routes[index]
                    let wrapping = middleware.filter { $0.applies(to: route.method, pattern: group.pattern.description) }
                    group.routes[index] = route.wrapped(in: wrapping.reversed().reduce(route.handler) { next, middleware in
                        { request, context in try middleware.handle(request, context: context, next: next) }
                    })
                }
                return Group(group)
            }
            trie = RouteTrie(groups.map(\.pattern))
            var literals: [String: Int] = [:]
            for (index, group) in groups.enumerated() {
                if let path = group.pattern.literalPath, literals[path] == nil { literals[path] = index }
            }
            self.literals = literals
        }

        /// The group and parameters of `path`, or nil when no pattern matches it.
        func match(_ path: String) -> (Group, [(name: String, value: String)])? {
            if PathSegments.isPlain(path), let index = literals[path] { return (groups[index], []) }
            let segments = PathSegments(path: path)
            guard let index = trie.firstMatch(segments) else { return nil }
            let group = groups[index]
            return (group, group.pattern.captures(segments))
        }

    }
    /// Called with errors that are not `HTTPResponseError`s: these become a 500 and must be logged.
    private let onUnexpectedError: @Sendable (Error, Request) -> Void

    public init(onUnexpectedError: @escaping @Sendable (Error, Request) -> Void = { _, _ in }) {
        self.onUnexpectedError = onUnexpectedError
    }

    public func add(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping Handler) {
        add(Route(method: method, pattern: RoutePattern(pattern), handler: handler, isInline: false))
    }

    /// A GET route answered on the connection's event loop: no hop to a worker thread and back, which is most of
    /// the cost of a tiny response. The handler must not block (no database, no files, no hashing) and runs
    /// without middleware, so it sees no authenticated user. Meant for `/health`-like routes; requests that
    /// carry a body still go to a worker.
    public func getInline(_ pattern: String, _ handler: @escaping Handler) {
        add(Route(method: .get, pattern: RoutePattern(pattern), handler: handler, isInline: true))
    }

    /// A GET route with a fast path: `fastPath` runs first, on the connection's event loop and without middleware,
    /// and answers only when it can do so without blocking and without knowing the user (from a cache, say);
    /// when it returns nil, `handler` runs on a worker through the middleware as for any route.
    public func get(_ pattern: String, fastPath: @escaping FastPathHandler, _ handler: @escaping Handler) {
        add(Route(method: .get, pattern: RoutePattern(pattern), handler: handler, isInline: false, fastPath: fastPath))
    }

    private func add(_ route: Route) {
        state.withLock { state in
            if let index = state.groups.firstIndex(where: { $0.pattern == route.pattern }) {
                state.groups[index].routes.append(route)
            } else {
                state.groups.append(PatternGroup(pattern: route.pattern, routes: [route]))
                state.groups.sort { $0.pattern.specificity > $1.pattern.specificity }
            }
            state.compiled = Compiled(groups: state.groups, middleware: state.middleware)
        }
    }

    public func get(_ pattern: String, _ handler: @escaping Handler) { add(.get, pattern, handler) }
    public func post(_ pattern: String, _ handler: @escaping Handler) { add(.post, pattern, handler) }
    public func put(_ pattern: String, _ handler: @escaping Handler) { add(.put, pattern, handler) }
    public func patch(_ pattern: String, _ handler: @escaping Handler) { add(.patch, pattern, handler) }
    public func delete(_ pattern: String, _ handler: @escaping Handler) { add(.delete, pattern, handler) }

    /// Adds middleware around every route; the first added runs outermost.
    public func use(_ middleware: any Middleware) {
        state.withLock { state in
            state.middleware.append(middleware)
            state.compiled = Compiled(groups: state.groups, middleware: state.middleware)
        }
    }

    /// Every registered (method, pattern), for documentation and tests.
    public var routeTable: [(method: HTTPMethod, pattern: String)] {
        state.withLock { $0.groups.flatMap { $0.routes.map { (method: $0.method, pattern: $0.pattern.description) } } }
    }

    /// Matches `request` once and says how it will be answered. A bodiless request for an inline route (see
    /// `getInline`), or one its route's fast path takes, is answered right here, on the caller's thread, which
    /// is an event loop; everything else,
    /// 404 and 405 included, comes back as work for a worker, with the match already made.
    public func route(_ request: Request) -> RoutedRequest {
        let compiled = state.withLock { $0.compiled }
        guard let (group, parameters) = compiled.match(request.head.path) else {
            return .onWorker {
                (Response.error(.notFound, code: "not_found", message: "No resource at \(request.head.path)."), "unmatched")
            }
        }
        let name = group.pattern.description
        let effectiveMethod = request.method == .head ? HTTPMethod.get : request.method
        guard let route = group.routes.first(where: { $0.method == effectiveMethod }) else {
            var allowed = group.routes.map(\.method)
            if allowed.contains(.get) { allowed.append(.head) }
            allowed.append(.options)
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            if request.method == .options {
                return .onWorker { (Response(status: .noContent, headers: [.allow: allow]), name) }
            }
            return .onWorker {
                let response = Response.error(.methodNotAllowed, code: "method_not_allowed",
                                              message: "\(request.method) is not allowed on \(name).",
                                              headers: [.allow: allow])
                return (response, name)
            }
        }
        let context = RequestContext(route: name, captured: parameters)
        if request.head.framing == .none {
            if route.isInline {
                return .answered(response: render(request) { try route.handler(request, context) }, route: name)
            }
            if let fastPath = route.fastPath, let response = fastPath(request, context) {
                return .answered(response: response, route: name)
            }
        }
        let chain = route.chain ?? route.handler
        return .onWorker { (self.render(request) { try chain(request, context) }, name) }
    }

    /// Finds the handler and runs it through the middleware, here and now. Never throws: errors become responses.
    /// Returns the matched route pattern (or a fixed label) for logs and metrics.
    public func respond(to request: Request) -> (response: Response, route: String) {
        switch route(request) {
        case .answered(let response, let route): (response, route)
        case .onWorker(let answer): answer()
        }
    }

    private func render(_ request: Request, _ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch let error as any HTTPResponseError {
            return error.response
        } catch {
            onUnexpectedError(error, request)
            return Response.error(.internalServerError, code: "internal_error",
                                  message: "Something went wrong on our side (request \(request.id)).")
        }
    }
}
