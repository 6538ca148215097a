/// A JSON parser at least as strict as Go's `encoding/json` (what containerd, CRI-O and every
/// CNI plugin use), plus what Go lets slip: duplicate keys, invalid UTF-8, lone surrogate escapes.
/// Every value keeps its `line:column`; numbers keep their literal text.
///
/// Written by hand rather than with Foundation's `JSONSerialization`, which accepts trailing
/// commas, keeps one of two duplicate keys, turns numbers into `Double` and reports only a
/// character offset; the pure core must not depend on Foundation anyway.
public enum JSONParser {
    /// Far deeper than any CNI configuration, shallow enough that every recursive walk of a
    /// parsed value (writer, comparison, `Hashable`) stays clear of the stack's limit.
    public static let defaultMaxDepth = 128

    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONSyntaxError) -> JSONNode {
        let parse = { (buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONNode, JSONSyntaxError> in
            var parser = JSONByteParser(bytes: buffer, maxDepth: maxDepth)
            return Result { () throws(JSONSyntaxError) in try parser.parseDocument() }
        }
        let result = bytes.withContiguousStorageIfAvailable(parse) ?? Array(bytes).withUnsafeBufferPointer(parse)
        return try result.get()
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONSyntaxError) -> JSONNode {
        try parse(text.utf8, maxDepth: maxDepth)
    }
}
