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
