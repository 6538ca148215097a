/// The parser's state over one document's bytes: the cursor, the `line:column` bookkeeping,
/// and the document and container grammar. Strings, numbers and literals are in
/// `JSONByteParser+Scalars.swift`.
///
/// Containers are parsed with an explicit stack rather than recursion, so depth is bounded by
/// `maxDepth` alone and a million `[` give an error, never a stack overflow.
struct JSONByteParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var offset = 0
    /// A place whose line and column are known, on the cursor's line. Columns are counted from
    /// here on demand, so a long one-line document costs one pass, not one pass per value.
    private var anchor = LineAnchor(line: 1, offset: 0, column: 1)

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    // MARK: Document and containers

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONNode {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw error("byte order mark (U+FEFF) before the JSON value: save the text as UTF-8 without a BOM", at: 0)
        }
        skipWhitespace()
        if offset == bytes.count {
            throw error("expected a JSON value, found end of input (the text is empty or only white space)", at: offset)
        }
        let root = try parseValue()
        skipWhitespace()
        guard offset == bytes.count else {
            throw error("expected end of input after the JSON value, \(found(at: offset))", at: offset)
        }
        return root
    }

    /// Parses the value at the cursor (white space already skipped) and everything nested in it.
    private mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
        var open: [OpenContainer] = []
        nextValue: while true {
            let start = position(at: offset)
            var node: JSONNode
            switch peek() {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard open.count < maxDepth else {
                    throw error("arrays and objects nested deeper than the limit of \(maxDepth): flatten the document", at: offset)
                }
                let isObject = peek() == UInt8(ascii: "{")
                offset += 1
                skipWhitespace()
                var container = OpenContainer(isObject: isObject, start: start)
                if peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    offset += 1
                    node = container.finished()
                } else {
                    if isObject { try readKey(into: &container, after: nil) }
                    open.append(container)
                    continue nextValue
                }
            default:
                node = try parseScalar(startingAt: start)
            }
            // Hand the finished value to its container; that may finish the container too.
            // The innermost container is changed in place: popping and pushing it would copy it.
            while let innermost = open.indices.last {
                open[innermost].add(node)
                skipWhitespace()
                let isObject = open[innermost].isObject
                let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                switch peek() {
                case UInt8(ascii: ","):
                    let comma = position(at: offset)
                    offset += 1
                    skipWhitespace()
                    if isObject {
                        try readKey(into: &open[innermost], after: comma)
                    } else if peek() == close {
                        throw error("trailing comma before ']': remove it", at: comma)
                    }
                    continue nextValue
                case close:
                    offset += 1
                    node = open.removeLast().finished()
                default:
                    let what = isObject ? "an object member" : "an array element"
                    throw error("expected ',' or '\(Character(Unicode.Scalar(close)))' after \(what), \(found(at: offset))", at: offset)
                }
            }
            return node
        }
    }

    /// Reads `"key":` at the cursor and the white space after it, rejecting a key the object
    /// already has. `comma` is where the comma before the key stood, if there was one.
    private mutating func readKey(into container: inout OpenContainer, after comma: SourcePosition?) throws(JSONSyntaxError) {
        guard peek() == UInt8(ascii: "\"") else {
            if let comma, peek() == UInt8(ascii: "}") {
                throw error("trailing comma before '}': remove it", at: comma)
            }
            let expected = comma == nil ? "expected a string key or '}'" : "expected a string key after ','"
            let hint = peek().map(Self.startsIdentifier) == true ? ": put the key in double quotes" : ""
            throw error("\(expected) in an object, \(found(at: offset))\(hint)", at: offset)
        }
        let keyPosition = position(at: offset)
        let key = try parseString()
        if let first = container.keyPositions[key] {
            throw error("duplicate key \(JSONValue.string(key).compactDescription) (first at \(first)): keep one", at: keyPosition)
        }
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else {
            throw error("expected ':' after the key \(JSONValue.string(key).compactDescription), \(found(at: offset))", at: offset)
        }
        offset += 1
        skipWhitespace()
        container.pendingKey = (key, keyPosition)
    }

    // MARK: Cursor

    func peek() -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    /// Skips JSON white space: space, tab, CR and LF only (not form feed, vertical tab or U+00A0).
    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                offset += 1
            case UInt8(ascii: "\n"):
                offset += 1
                anchor = LineAnchor(line: anchor.line + 1, offset: offset, column: 1)
            default:
                return
            }
        }
    }

    // MARK: Positions and messages

    /// The position of `target`, which must be on the cursor's line (line breaks only occur in
    /// white space, so any offset since the last one is) and not before the last position asked for.
    mutating func position(at target: Int) -> SourcePosition {
        let position = anchor.advanced(to: target, in: bytes)
        anchor = LineAnchor(line: position.line, offset: target, column: position.column)
        return position
    }

    mutating func error(_ message: String, at target: Int) -> JSONSyntaxError {
        JSONSyntaxError(position: position(at: target), message: message)
    }

    func error(_ message: String, at position: SourcePosition) -> JSONSyntaxError {
        JSONSyntaxError(position: position, message: message)
    }

    /// "found …", with advice when it is a common habit that JSON does not allow.
    func found(at target: Int) -> String {
        let found = "found \(describeByte(at: target))"
        switch target < bytes.count ? bytes[target] : nil {
        case UInt8(ascii: "/"), UInt8(ascii: "#"): return found + ": JSON has no comments, remove it"
        case UInt8(ascii: "'"): return found + ": JSON strings and keys use double quotes"
        default: return found
        }
    }

    /// What stands at `target`, for "found …": `'x'`, `end of input`, a named control
    /// character, a non-ASCII character with its code point, or an invalid byte.
    func describeByte(at target: Int) -> String {
        guard target < bytes.count else { return "end of input" }
        let byte = bytes[target]
        switch byte {
        case UInt8(ascii: "'"):
            return "\"'\""
        case 0x20..<0x7F:
            return "'\(Character(Unicode.Scalar(byte)))'"
        case 0..<0x20, 0x7F:
            return "control character \(Self.codePoint(UInt32(byte)))"
        default:
            switch UTF8Validation.sequenceLength(in: bytes, at: target) {
            case .success(let length):
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[target ..< target + length]), as: UTF8.self)
                return "'\(text)' (\(Self.codePoint(text.unicodeScalars.first!.value)))"
            case .failure:
                return "byte \(UTF8Validation.hex(byte)) (not valid UTF-8)"
            }
        }
    }

    static func codePoint(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func startsIdentifier(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
    }
}

/// Where a line's known column stands; columns count Unicode scalars, so UTF-8 continuation
/// bytes do not advance them.
private struct LineAnchor {
    let line: Int
    let offset: Int
    let column: Int

    /// The position of `target`, at or after the anchor on the same line.
    func advanced(to target: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourcePosition {
        precondition(target >= offset, "positions are asked for in source order")
        var column = self.column
        for index in offset ..< target where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return SourcePosition(line: line, column: column, offset: target)
    }
}

/// An array or object whose closing bracket has not been reached yet.
private struct OpenContainer {
    let isObject: Bool
    let start: SourcePosition
    var elements: [JSONNode] = []
    var members: [JSONObject.Member] = []
    /// Where each key of the members so far stands, to reject duplicates.
    var keyPositions = ExactKeyIndex<SourcePosition>()
    /// The key whose value is being parsed.
    var pendingKey: (key: String, position: SourcePosition)?

    init(isObject: Bool, start: SourcePosition) {
        self.isObject = isObject
        self.start = start
    }

    mutating func add(_ node: JSONNode) {
        if let pendingKey {
            members.append(JSONObject.Member(key: pendingKey.key, keyPosition: pendingKey.position, value: node))
            keyPositions.insert(pendingKey.key, pendingKey.position)
            self.pendingKey = nil
        } else {
            elements.append(node)
        }
    }

    /// The container's value, its storage copied out at the exact size: appending doubles the
    /// capacity, so without the copy a large document's tree would keep about a third of its
    /// memory as unused room (a 20-member object keeps room for 32).
    func finished() -> JSONNode {
        let value: JSONValue = isObject
            ? .object(JSONObject(members: members.withUnsafeBufferPointer(Array.init)))
            : .array(elements.withUnsafeBufferPointer(Array.init))
        return JSONNode(value, at: start)
    }
}
