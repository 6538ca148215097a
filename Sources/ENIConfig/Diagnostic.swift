/// One finding about a ConfigMap: what is wrong, where, and what would be right.
/// The same value feeds the CLI, the agent's status and Events, and a future admission webhook.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    public var severity: Severity
    /// Which rule found it; its raw value (`json-syntax`, `first-plugin-mismatch`, …) is the
    /// stable identifier tools and tests match on.
    public var rule: RuleID
    /// The ConfigMap data key the finding is about (`10-terway.conflist`), nil for the ConfigMap as a whole.
    public var key: String?
    /// The JSON path inside that key's document (`plugins[1].sysctl`), nil when not about one value.
    public var path: String?
    /// `line:column` inside the key's text, when the finding is tied to a place.
    public var line: Int?
    public var column: Int?
    /// What is wrong and what would be right.
    public var message: String

    public init(
        _ severity: Severity, rule: RuleID, key: String? = nil, path: JSONPath? = nil,
        at position: SourcePosition? = nil, _ message: String
    ) {
        self.severity = severity
        self.rule = rule
        self.key = key
        self.path = path?.description
        self.line = position?.line
        self.column = position?.column
        self.message = message
    }

    /// `error: 10-terway.conflist:12:5: plugins[0].capabilities.bandwidth: false here, true in 10-terway.conf`
    public var description: String {
        Self.describe(severity: severity, key: key, line: line, column: column, path: path, message: message)
    }

    /// The one-line form, also for findings that arrive as JSON from an agent of another
    /// version, whose rule IDs this build may not know.
    public static func describe(severity: Severity, key: String?, line: Int?, column: Int?, path: String?, message: String) -> String {
        var location = key ?? "eni-config"
        if let line, let column { location += ":\(line):\(column)" }
        var text = "\(severity.rawValue): \(location): "
        if let path, path != "$" { text += "\(path): " }
        return text + message
    }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
