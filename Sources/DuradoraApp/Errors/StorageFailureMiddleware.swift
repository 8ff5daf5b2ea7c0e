import DuradoraHTTP

/// Turns a lost database connection into the API's 503 (`APIError.storageFailure`) and counts it, wherever in
/// a request it happened. Other storage failures pass through to the router, which counts them and answers 500.
struct StorageFailureMiddleware: Middleware {
    let metrics: Metrics

    func handle(_ request: Request, context: RequestContext,
                next: (Request, RequestContext) throws -> Response) throws -> Response {
        do {
            return try next(request, context)
        } catch {
            guard let answer = APIError.storageFailure(error) else { throw error }
            metrics.recordDatabaseError()
            throw answer
        }
    }
}
