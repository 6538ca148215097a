/// The node file's JSON layout, the same as Go's `json.MarshalIndent(v, "", "  ")` of a map:
/// keys sorted byte-wise (UTF-8 order) at every level, two-space indent, `"key": value`,
/// `{}` and `[]` for empty containers, and a final newline. Numbers are written exactly as
/// parsed; strings are escaped only where JSON requires (`"`, `\`, control characters).
/// Equal values always give equal bytes, so the bytes' SHA-256 identifies a configuration.
public enum CanonicalJSON {
    /// `sizeHint` is about how long the result will be (the text it was parsed from serves):
    /// reserving it spares the buffer's last doublings, each of which copies everything written
    /// so far and holds it twice for a moment, a megabyte for a large conflist.
    public static func bytes(_ value: JSONValue, sizeHint: Int = 0) -> [UInt8] {
        var writer = JSONWriter(layout: .canonical, reservingCapacity: sizeHint)
        writer.write(value)
        writer.endLine()
        return writer.output
    }
}
