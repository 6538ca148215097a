/// What a request asked for, as fault matchers and the request log see it.
public struct RequestLine: Sendable, CustomStringConvertible {
    public let method: String
    public let path: String
    /// Decoded query parameters (`fieldSelector`, `resourceVersion`, `watch`...).
    public let query: [String: String]

    public var isWatch: Bool {
        QueryParameters.isTrue(query["watch"])
    }

    /// The endpoints a real apiserver answers without credentials.
    public var isPublic: Bool {
        ["/version", "/healthz", "/readyz", "/livez"].contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    public var description: String {
        let query = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return query.isEmpty ? "\(method) \(path)" : "\(method) \(path)?\(query)"
    }
}

/// One answered request in the sandbox's log.
public struct RecordedRequest: Sendable, CustomStringConvertible {
    public let line: RequestLine
    /// The status sent; for a watch, the status of the response head (200 once streaming began).
    public let status: Int
    /// When the request arrived, for the spread of many clients' requests over time.
    public let receivedAt: ContinuousClock.Instant

    public var method: String { line.method }
    public var path: String { line.path }
    public var query: [String: String] { line.query }
    public var isWatch: Bool { line.isWatch }

    public var description: String { "\(line) -> \(status)" }
}

/// Selects the requests a fault applies to.
public struct RequestMatcher: Sendable {
    let matches: @Sendable (RequestLine) -> Bool

    public init(_ matches: @escaping @Sendable (RequestLine) -> Bool) {
        self.matches = matches
    }

    /// Every request except the public health and version endpoints (the kubectl dispatcher needs `/version`).
    public static let apiRequests = RequestMatcher { !$0.isPublic }
    public static let watches = RequestMatcher { $0.isWatch }
    /// GETs on a collection (`.../configmaps`) that are not watches.
    public static let lists = RequestMatcher { line in
        let plurals = Set(ResourceCatalog().resources.map(\.name.plural))
        return line.method == "GET" && !line.isWatch && plurals.contains(String(line.path.split(separator: "/").last ?? ""))
    }

    public static func path(prefix: String) -> RequestMatcher {
        RequestMatcher { $0.path.hasPrefix(prefix) }
    }
}
