/// Why a request to the API server failed. The list+watch state machine decides
/// from this what to do next (see docs/kubernetes-watch.md, "Errors").
public enum KubeAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with a status outside 2xx (or sent an `ERROR` event).
    case status(HTTPFailure)
    /// No connection could be made, or it broke: refused, reset, TLS, name resolution.
    case connection(String)
    /// No bytes arrived for longer than the idle read timeout: the connection is taken for dead.
    case idleTimeout(Duration)
    /// The response is not what the API promises: bad JSON, an over-long watch line.
    case malformedResponse(String)

    /// The HTTP status code, when the server answered.
    public var statusCode: Int? {
        if case .status(let failure) = self { return failure.code }
        return nil
    }

    public var description: String {
        switch self {
        case .status(let failure): failure.description
        case .connection(let detail): "cannot reach the API server: \(detail)"
        case .idleTimeout(let limit): "the API server sent nothing for \(limit.secondsText): the connection is taken for dead"
        case .malformedResponse(let detail): "the API server's response is malformed: \(detail)"
        }
    }
}

/// A non-2xx answer: its status code, the server's `Status` and `Retry-After`.
public struct HTTPFailure: Sendable, Equatable, CustomStringConvertible {
    /// e.g. `GET /api/v1/namespaces/kube-system/configmaps`, or `watch stream` for an `ERROR` event.
    public var request: String
    public var code: Int
    /// The `Status` body, when the server sent one.
    public var status: KubeStatus?
    /// The `Retry-After` header (delta-seconds), or `details.retryAfterSeconds`.
    public var retryAfter: Duration?

    public init(request: String, code: Int, status: KubeStatus? = nil, retryAfter: Duration? = nil) {
        self.request = request
        self.code = code
        self.status = status
        self.retryAfter = retryAfter
    }

    public var description: String {
        var text = "\(request): HTTP \(code)"
        if let reason = status?.reason, !reason.isEmpty { text += " \(reason)" }
        if let message = status?.message, !message.isEmpty { text += ": \(message)" }
        if let retryAfter { text += " (retry after \(retryAfter.secondsText))" }
        if let hint = Self.hints[code] { text += "; \(hint)" }
        return text
    }

    private static let hints: [Int: String] = [
        401: "the token was rejected: check that it is current (the agent re-reads token files)",
        403: "check the agent's RBAC: get, list, watch on configmaps (resourceNames: [eni-config]); create, patch on events",
        404: "check the namespace and the ConfigMap name",
    ]
}

extension Duration {
    /// "1.5 s" style text for messages.
    var secondsText: String {
        let (seconds, attoseconds) = components
        let milliseconds = Int64(seconds) * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}
