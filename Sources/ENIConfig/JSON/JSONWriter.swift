/// Writes JSON values as UTF-8 in one of two layouts: Go's, for the node file, or one line for
/// messages.
struct JSONWriter {
    enum Layout {
        /// `json.MarshalIndent(v, "", "  ")` of what `json.Unmarshal` read: keys sorted byte-wise
        /// at every level, two-space indent, numbers as float64 (`GoFloat`), Go's HTML-safe escapes.
        case goMarshalIndent
        /// Members in source order on one line, numbers as written, strings escaped only where
        /// JSON requires: `{"a": 1.50, "b": [true, null]}`.
        case oneLine
    }

    let layout: Layout
    /// Writing stops once the output is this long; enough for a message that only shows the start.
    let byteLimit: Int
    private(set) var output: [UInt8] = []

    init(layout: Layout, byteLimit: Int = .max, reservingCapacity capacity: Int = 0) {
        self.layout = layout
        self.byteLimit = byteLimit
        output.reserveCapacity(capacity)
    }

    mutating func write(_ value: JSONValue, depth: Int = 0) {
        guard output.count < byteLimit else { return }
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): append(layout == .goMarshalIndent ? number.goFloat64Form : number.literal)
        case .string(let text): writeString(text)
        case .array(let elements):
            writeContainer(open: "[", close: "]", elements, depth: depth) { writer, element in
                writer.write(element.value, depth: depth + 1)
            }
        case .object(let object):
            let members = object.members
            // Positions are sorted rather than members, and members are read in place: copying a
            // member out retains and releases its key and value, and reference counting was
            // about a third of the time of a large evaluate.
            let order = layout == .goMarshalIndent
                ? members.indices.sorted { members[$0].key.precedesInUTF8Order(members[$1].key) }
                : Array(members.indices)
            writeContainer(open: "{", close: "}", order, depth: depth) { writer, index in
                writer.writeString(members[index].key)
                writer.append(": ")
                writer.write(members[index].value.value, depth: depth + 1)
            }
        }
    }

    private mutating func writeContainer<Item>(
        open: String, close: String, _ items: [Item], depth: Int, writeItem: (inout JSONWriter, Item) -> Void
    ) {
        append(open)
        for (index, item) in items.enumerated() {
            guard output.count < byteLimit else { return }
            if index > 0 { append(layout == .goMarshalIndent ? "," : ", ") }
            if layout == .goMarshalIndent { newline(indent: depth + 1) }
            writeItem(&self, item)
        }
        if layout == .goMarshalIndent && !items.isEmpty { newline(indent: depth) }
        append(close)
    }

    private mutating func writeString(_ text: String) {
        let goForm = layout == .goMarshalIndent
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // A message shows only the start of a long string.
            let bytes = UnsafeBufferPointer(rebasing: utf8.prefix(max(0, byteLimit - output.count)))
            var plainStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    if goForm ? GoStringEscape.isRequired(for: byte) : JSONStringEscape.isRequired(for: byte) {
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainStart ..< index]))
                        append(goForm ? GoStringEscape.escape(byte) : JSONStringEscape.escape(byte))
                        plainStart = index + 1
                    }
                    index += 1
                } else if goForm, let separator = GoStringEscape.lineOrParagraphSeparator(bytes, at: index) {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainStart ..< index]))
                    append(separator)
                    index += 3
                    plainStart = index
                } else {
                    index += 1
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private mutating func newline(indent: Int) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    private mutating func append(_ text: String) {
        output.append(contentsOf: text.utf8)
    }
}
