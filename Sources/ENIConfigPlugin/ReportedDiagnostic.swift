import ENIConfig

/// A finding as an agent's `/status` or `/nodefile` reports it. The rule stays a string: during
/// an upgrade the agents may run a newer version than the plugin, with rule IDs it does not know,
/// and one unknown ID must not hide a node's whole report.
public struct ReportedDiagnostic: Codable, Sendable, Hashable, CustomStringConvertible {
    public var severity: Diagnostic.Severity
    public var rule: String
    public var key: String?
    public var path: String?
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(_ diagnostic: Diagnostic) {
        severity = diagnostic.severity
        rule = diagnostic.rule.rawValue
        key = diagnostic.key
        path = diagnostic.path
        line = diagnostic.line
        column = diagnostic.column
        message = diagnostic.message
    }

    public var description: String {
        Diagnostic.describe(severity: severity, key: key, line: line, column: column, path: path, message: message)
    }
}

extension Array where Element == ReportedDiagnostic {
    public var errors: [ReportedDiagnostic] { filter { $0.severity == .error } }
}
