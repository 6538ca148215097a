/// The API server's `Status` object: the body of an error response and the object of
/// an `ERROR` watch event.
public struct KubeStatus: Sendable, Equatable, Decodable {
    /// The HTTP status it stands for (410 for an expired resource version).
    public var code: Int?
    /// A machine-readable reason: `Expired`, `Gone`, `Forbidden`, `NotFound`, `TooManyRequests`, `Timeout`, ...
    public var reason: String?
    /// The server's human-readable explanation.
    public var message: String?
    /// `details.retryAfterSeconds`, a hint the server may give with 429 and 5xx.
    public var retryAfterSeconds: Int?
    /// `details.causes[].reason`, e.g. `ResourceVersionTooLarge`.
    public var causeReasons: [String]

    public init(code: Int?, reason: String? = nil, message: String? = nil, retryAfterSeconds: Int? = nil, causeReasons: [String] = []) {
        self.code = code
        self.reason = reason
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.causeReasons = causeReasons
    }

    private enum CodingKeys: String, CodingKey {
        case code, reason, message, details
    }

    private struct Details: Decodable {
        var retryAfterSeconds: Int?
        var causes: [Cause]?
    }

    private struct Cause: Decodable {
        var reason: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decodeIfPresent(Int.self, forKey: .code)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        let details = try container.decodeIfPresent(Details.self, forKey: .details)
        retryAfterSeconds = details?.retryAfterSeconds
        causeReasons = details?.causes?.compactMap(\.reason) ?? []
    }

    /// 410, or the `Expired`/`Gone` reasons: the requested resource version is no longer in the server's history.
    public var isResourceVersionExpired: Bool {
        code == 410 || reason == "Expired" || reason == "Gone"
    }

    /// The server's answer to a resource version newer than its watch cache has seen
    /// (after an apiserver restart or against a lagging replica): a 504 `Timeout`.
    public var isResourceVersionTooLarge: Bool {
        causeReasons.contains("ResourceVersionTooLarge")
            || (message?.lowercased().contains("too large resource version") ?? false)
    }
}
