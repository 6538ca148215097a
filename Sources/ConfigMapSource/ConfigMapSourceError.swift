import SystemFiles

/// Why a ConfigMap could not be read at all (as opposed to a ConfigMap whose content is invalid,
/// which ENIConfig reports as diagnostics). The CLI maps these to exit code 2.
public struct ConfigMapSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `examples/eni-config.yaml:3:1`, or just the path when no place applies.
    public var location: String
    public var message: String

    public init(location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "error: \(location): \(message)" }
}

extension ConfigMapSourceError {
    /// `cannot read: Permission denied`, and what to do when the cause alone does not say it.
    init(location: String, cannotRead error: FileReadError, hint: String? = nil) {
        self.init(location: location, "cannot read: \(error.reason)" + (hint.map { "; \($0)" } ?? ""))
    }
}
