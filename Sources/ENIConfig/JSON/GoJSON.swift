/// The bytes Go writes for a JSON document that went through `json.Unmarshal` into
/// `interface{}` and back out with `json.MarshalIndent(v, "", "  ")`, as Terway's renderer
/// does (gabs): keys sorted byte-wise (UTF-8 order) at every level, two-space indent,
/// `"key": value`, `{}` and `[]` for empty containers, numbers as float64 in Go's shortest
/// form (`GoFloat`), strings with Go's HTML-safe escapes (`<` → `\u003c`), and no final newline.
/// Equal values always give equal bytes, so the bytes' SHA-256 identifies a configuration.
public enum GoJSON {
    /// `sizeHint` is about how long the result will be (the text it was parsed from serves):
    /// reserving it spares the buffer's last doublings, each of which copies everything written
    /// so far and holds it twice for a moment, a megabyte for a large conflist.
    public static func marshalIndent(_ value: JSONValue, sizeHint: Int = 0) -> [UInt8] {
        var writer = JSONWriter(layout: .goMarshalIndent, reservingCapacity: sizeHint)
        writer.write(value)
        return writer.output
    }
}

/// JSON text for a person to read and edit further: members in their order, numbers as
/// written, no final newline. `indented` is what `kubectl eni-config chain` writes back,
/// `oneLine` what `chain list` shows.
public enum JSONText {
    public static func indented(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(layout: .indented)
        writer.write(value)
        return writer.output
    }

    /// The whole value on one line, members in their order: `{"type": "portmap", …}` uncut.
    public static func oneLine(_ value: JSONValue) -> String {
        var writer = JSONWriter(layout: .oneLine)
        writer.write(value)
        return String(decoding: writer.output, as: UTF8.self)
    }
}
