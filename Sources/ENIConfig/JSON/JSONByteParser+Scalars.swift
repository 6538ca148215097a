/// Strings, numbers and the literals `true`, `false`, `null`.
extension JSONByteParser {
    /// Parses the string, number or literal at the cursor, or explains what stands there instead.
    mutating func parseScalar(startingAt start: SourcePosition) throws(JSONSyntaxError) -> JSONNode {
        guard let byte = peek() else {
            throw error("expected a JSON value, found end of input", at: offset)
        }
        switch byte {
        case UInt8(ascii: "\""):
            return JSONNode(.string(try parseString()), at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(.number(try parseNumber()), at: start)
        case UInt8(ascii: "+"):
            throw error("a JSON number cannot start with '+': remove it", at: offset)
        case UInt8(ascii: "."):
            throw error("a JSON number must start with a digit, found '.': write 0.5, not .5", at: offset)
        case _ where Self.startsIdentifier(byte):
            return JSONNode(try parseLiteral(), at: start)
        default:
            throw error("expected a JSON value (object, array, string, number, true, false or null), \(found(at: offset))", at: offset)
        }
    }

    // MARK: Literals

    private static let literals: [(String, JSONValue)] = [("true", .bool(true)), ("false", .bool(false)), ("null", .null)]

    private mutating func parseLiteral() throws(JSONSyntaxError) -> JSONValue {
        let start = offset
        var end = offset
        while end < bytes.count, Self.startsIdentifier(bytes[end]) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) {
            end += 1
        }
        let word = UnsafeBufferPointer(rebasing: bytes[start ..< end])
        for (literal, value) in Self.literals where word.elementsEqual(literal.utf8) {
            offset = end
            return value
        }
        throw error(Self.unknownWordMessage(String(decoding: word, as: UTF8.self)), at: start)
    }

    private static func unknownWordMessage(_ word: String) -> String {
        switch word {
        case "NaN", "Infinity":
            "\(word) is not a JSON number: use a number, or null"
        case _ where ["true", "false", "null"].contains(word.lowercased()):
            "expected a JSON value, found '\(word)': JSON literals are lower-case, write \(word.lowercased())"
        default:
            "expected a JSON value, found '\(word.prefix(40))': if it is a string, put it in double quotes"
        }
    }

    // MARK: Numbers

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as written.
    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
        let start = offset
        if peek() == UInt8(ascii: "-") {
            offset += 1
            if peek() == UInt8(ascii: "I") {
                throw error("-Infinity is not a JSON number: use a number, or null", at: start)
            }
            guard isDigit(peek()) else {
                throw error("expected a digit after '-', found \(describeByte(at: offset))", at: offset)
            }
        }
        if peek() == UInt8(ascii: "0") {
            offset += 1
            if isDigit(peek()) {
                throw error("a JSON number cannot have a leading zero: remove it (or quote the value if it is not a number)", at: start)
            }
        } else {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            guard isDigit(peek()) else {
                throw error("expected a digit after the decimal point, found \(describeByte(at: offset)): write 1.0 or 1, not 1.", at: offset)
            }
            skipDigits()
        }
        var hasExponent = false
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            hasExponent = true
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            guard isDigit(peek()) else {
                throw error("expected a digit in the exponent, found \(describeByte(at: offset))", at: offset)
            }
            skipDigits()
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< offset]), as: UTF8.self)
        // Go's encoding/json decodes a number into float64 (libcni, and so containerd and
        // CRI-O, read the list into interface{}) and rejects the whole file when it overflows;
        // a number too small rounds to 0 there without error. Without an exponent, only
        // more than 309 digits can overflow.
        if hasExponent || offset - start > 309, let value = Double(literal), value.isInfinite {
            throw error(
                "\(literal.count > 24 ? String(literal.prefix(20)) + "…" : literal) is beyond the range of a 64-bit float: "
                    + "Go's encoding/json (libcni in containerd and CRI-O) rejects the whole file; write a number within ±1.7976931348623157e308",
                at: start)
        }
        return JSONNumber(literal: literal)
    }

    private func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private mutating func skipDigits() {
        while isDigit(peek()) { offset += 1 }
    }

    // MARK: Strings

    /// Parses the string whose opening quote is at the cursor. Text without escapes is
    /// validated in place and copied once; escapes switch to a byte buffer.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let openingQuote = offset
        offset += 1
        var segmentStart = offset
        var unescaped: [UInt8]?
        while offset < bytes.count {
            skipPlainASCII()
            guard offset < bytes.count else { break }
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart ..< offset])
                offset += 1
                guard var unescaped else { return String(decoding: segment, as: UTF8.self) }
                unescaped.append(contentsOf: segment)
                return String(decoding: unescaped, as: UTF8.self)
            case UInt8(ascii: "\\"):
                unescaped = unescaped ?? []
                unescaped!.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart ..< offset]))
                try appendEscape(to: &unescaped!)
                segmentStart = offset
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("line break inside a string: close the string with '\"' or write \(byte == UInt8(ascii: "\n") ? "\\n" : "\\r")", at: offset)
            case 0..<0x20:
                throw error("control character \(Self.codePoint(UInt32(byte))) inside a string: write it as \(JSONStringEscape.escape(byte))", at: offset)
            case 0..<0x80:
                offset += 1
            default:
                switch UTF8Validation.sequenceLength(in: bytes, at: offset) {
                case .success(let length): offset += length
                case .failure(let problem): throw error(problem.message, at: offset)
                }
            }
        }
        throw error("unterminated string: expected '\"' to close it, found end of input", at: openingQuote)
    }

    /// Steps over printable ASCII other than `"` and `\`, the bulk of any configuration's
    /// strings, in a loop that keeps the cursor in a register (the `switch` in `parseString`
    /// costs several times as much a byte).
    private mutating func skipPlainASCII() {
        var cursor = offset
        while cursor < bytes.count, (0x20..<0x80).contains(bytes[cursor]),
              bytes[cursor] != UInt8(ascii: "\""), bytes[cursor] != UInt8(ascii: "\\") {
            cursor += 1
        }
        offset = cursor
    }

    /// Decodes the escape at the cursor (its backslash) into `output`.
    private mutating func appendEscape(to output: inout [UInt8]) throws(JSONSyntaxError) {
        let backslash = offset
        offset += 1
        guard let letter = peek() else {
            throw error("unterminated string: expected an escape after '\\', found end of input", at: backslash)
        }
        offset += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(letter)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try parseUnicodeEscape(startingAt: backslash)
            UTF8.encode(scalar) { output.append($0) }
        default:
            let escape = (0x21..<0x7F).contains(letter) ? "\\\(Character(Unicode.Scalar(letter)))" : "'\\' followed by \(describeByte(at: offset - 1))"
            throw error("invalid escape \(escape) in a string: JSON allows only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write \\\\ for a backslash", at: backslash)
        }
    }

    /// `\uXXXX`, or a UTF-16 surrogate pair `\uD83D\uDE00`. Go turns a lone surrogate into U+FFFD
    /// without a word; that silently changes the text, so it is rejected here.
    private mutating func parseUnicodeEscape(startingAt backslash: Int) throws(JSONSyntaxError) -> Unicode.Scalar {
        let unit = try readHexQuad(escapeAt: backslash)
        switch unit {
        case 0xD800..<0xDC00:
            let lowBackslash = offset
            guard peek() == UInt8(ascii: "\\"), offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "u") else {
                throw error("lone surrogate \\u\(hex4(unit)): a high surrogate must be followed by a low one (\\uDC00–\\uDFFF), e.g. \\uD83D\\uDE00; or write the character itself", at: backslash)
            }
            offset += 2
            let low = try readHexQuad(escapeAt: lowBackslash)
            guard (0xDC00..<0xE000).contains(low) else {
                throw error("lone surrogate \\u\(hex4(unit)): it is followed by \\u\(hex4(low)), not by a low surrogate (\\uDC00–\\uDFFF)", at: backslash)
            }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
        case 0xDC00..<0xE000:
            throw error("lone surrogate \\u\(hex4(unit)): a low surrogate must follow a high one (\\uD800–\\uDBFF); or write the character itself", at: backslash)
        default:
            return Unicode.Scalar(unit)!
        }
    }

    /// The four hex digits after `\u` (the cursor stands on the first).
    private mutating func readHexQuad(escapeAt backslash: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = peek().flatMap(Self.hexDigitValue) else {
                throw error("expected 4 hex digits after \\u, found \(describeByte(at: offset))", at: backslash)
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    private static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private func hex4(_ unit: UInt32) -> String {
        String(Self.codePoint(unit).dropFirst(2))
    }
}
