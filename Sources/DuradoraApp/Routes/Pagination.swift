import DuradoraHTTP

/// `?limit=` (default 50, at most 500: larger values are capped) and `?offset=` (default 0) of every list.
struct Pagination: Sendable, Equatable {
    static let defaultLimit = 50
    static let maxLimit = 500

    let limit: Int
    let offset: Int

    /// 422 naming the parameter when it is not a whole number in range.
    init(_ request: Request) throws(APIError) {
        let limit = try Self.integer(request, "limit", minimum: 1) ?? Self.defaultLimit
        self.limit = min(limit, Self.maxLimit)
        offset = try Self.integer(request, "offset", minimum: 0) ?? 0
    }

    private static func integer(_ request: Request, _ name: String, minimum: Int) throws(APIError) -> Int? {
        guard let text = request.query(name) else { return nil }
        guard let value = Int(text), value >= minimum else {
            throw .invalidField(name, "must be a whole number of at least \(minimum)")
        }
        return value
    }
}
