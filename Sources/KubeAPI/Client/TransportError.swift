import AsyncHTTPClient

extension KubeAPIError {
    /// The `KubeAPIError` for an error from AsyncHTTPClient or NIO; a cancelled task
    /// yields `CancellationError` so callers stop instead of retrying.
    static func translating(_ error: any Error, idleReadTimeout: Duration, request: String) -> any Error {
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        if let error = error as? KubeAPIError { return error }
        if let error = error as? HTTPClientError {
            if error == .readTimeout { return KubeAPIError.idleTimeout(idleReadTimeout) }
            if error == .deadlineExceeded { return KubeAPIError.connection("\(request): no response within the request timeout") }
        }
        // NIO's own descriptions name the cause: "Connection refused (errno: 111)", "connection reset by peer".
        return KubeAPIError.connection("\(request): \(error)")
    }
}
