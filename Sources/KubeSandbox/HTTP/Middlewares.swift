import Hummingbird

extension RequestLine {
    init(_ request: Request) {
        self.init(method: request.method.rawValue, path: request.uri.path, query: QueryParameters(request.uri.query).all)
    }
}

/// Outermost: logs every answered request with the status it got.
struct RequestRecordingMiddleware<Context: RequestContext>: RouterMiddleware {
    let controls: SandboxControls

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let line = RequestLine(request)
        let receivedAt = ContinuousClock.now
        let response = try await next(request, context)
        controls.record(RecordedRequest(line: line, status: response.status.code, receivedAt: receivedAt))
        return response
    }
}

/// Turns every failure into the `Status` object the apiserver would send, so clients see
/// `reason` and `code` rather than Hummingbird's plain-text errors.
struct StatusResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return .status(error)
        } catch let error as HTTPError where error.status == .notFound {
            return .status(.pathNotFound)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return .status(.requestEntityTooLarge(limit: ResourceEndpoints.maximumBodyBytes))
        } catch {
            return .status(APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(error)"))
        }
    }
}

/// `setLatency`: every request waits this long before it is served.
struct LatencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let controls: SandboxControls

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let latency = controls.latency
        if latency > .zero { try await Task.sleep(for: latency) }
        return try await next(request, context)
    }
}

/// Bearer-token authentication; the version and health endpoints are public, as on a real apiserver.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let controls: SandboxControls

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard RequestLine(request).isPublic || controls.isAuthorized(request.headers[.authorization]) else {
            throw APIError.unauthorized
        }
        return try await next(request, context)
    }
}

/// `failNextRequests`: answers matching requests with the injected status instead of serving them.
struct FaultInjectionMiddleware<Context: RequestContext>: RouterMiddleware {
    let controls: SandboxControls

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let failure = controls.takeFailure(for: RequestLine(request)) { throw failure }
        return try await next(request, context)
    }
}
