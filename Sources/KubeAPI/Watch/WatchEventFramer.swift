/// Cuts a watch stream into events. The server ends every event with `\n`, but a
/// network chunk (or HTTP/2 frame) is not an event: it may hold half of one, or
/// several. Partial lines are buffered across chunks, up to `maximumLineLength`.
public struct WatchEventFramer: Sendable {
    /// A ConfigMap is at most 1 MiB; its JSON escaping and the event envelope fit twice that.
    public static let defaultMaximumLineLength = 2 * 1024 * 1024

    public let maximumLineLength: Int
    private var partial: [UInt8] = []

    public init(maximumLineLength: Int = defaultMaximumLineLength) {
        self.maximumLineLength = maximumLineLength
    }

    /// The complete lines `chunk` finishes, without their `\n`; blank lines are dropped.
    /// Throws when a line grows past `maximumLineLength`.
    public mutating func append(_ chunk: some Collection<UInt8>) throws(KubeAPIError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            try accept(chunk[start..<newline])
            if !partial.allSatisfy(Self.isBlank) {
                lines.append(partial)
            }
            partial.removeAll(keepingCapacity: false)
            start = chunk.index(after: newline)
        }
        try accept(chunk[start...])
        return lines
    }

    /// Call when the stream ends: a buffered line without its `\n` means the stream was
    /// cut in the middle of an event.
    public func finish() throws(KubeAPIError) {
        guard partial.allSatisfy(Self.isBlank) else {
            throw .connection("the watch stream ended in the middle of an event (\(partial.count) bytes without a newline)")
        }
    }

    private mutating func accept(_ bytes: some Collection<UInt8>) throws(KubeAPIError) {
        guard partial.count + bytes.count <= maximumLineLength else {
            throw .malformedResponse(
                "a watch event is longer than \(maximumLineLength) bytes without a newline; "
                    + "a ConfigMap is at most 1 MiB, so the stream is not one event per line "
                    + "(is a proxy reformatting it, or pretty=true set?)"
            )
        }
        partial.append(contentsOf: bytes)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}
