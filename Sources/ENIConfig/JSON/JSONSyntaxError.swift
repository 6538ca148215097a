/// Why a data key's text is not strict JSON, and where: the first problem found,
/// with what was expected, what was found and, where it helps, what to do.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is (1-based line:column, byte offset).
    public var position: SourcePosition
    public var message: String

    public init(position: SourcePosition, message: String) {
        self.position = position
        self.message = message
    }

    /// `3:14: trailing comma before '}': remove it`
    public var description: String { "\(position): \(message)" }
}
