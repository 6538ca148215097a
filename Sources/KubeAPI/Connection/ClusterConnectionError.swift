/// Why the agent cannot build a connection to the API server from its kubeconfig or
/// service account. The description names the file, the field (with `line:column`
/// where a YAML position is known), the problem and what to do.
public struct ClusterConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at fault: a kubeconfig, a token, a certificate; nil for environment problems.
    public var file: String?
    /// `line:column` inside `file`, when the problem is at a YAML node.
    public var position: String?
    /// The kubeconfig field, e.g. `users[name=admin].user.client-key-data`.
    public var field: String?
    /// What is wrong and what to do about it.
    public var message: String

    public init(file: String? = nil, position: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.position = position
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = ""
        if let file {
            location = file
            if let position { location += ":\(position)" }
        }
        if let field {
            location += location.isEmpty ? field : ": \(field)"
        }
        return location.isEmpty ? message : "\(location): \(message)"
    }
}
