import ENIConfig
import Testing

/// Documents the parser must refuse (JSONTestSuite's `n_` cases and more), each with where
/// the error points and a fragment of what it says.
struct RejectCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    let line: Int
    let column: Int
    let fragment: String
    var maxDepth = JSONParser.defaultMaxDepth

    init(_ name: String, _ text: String, at line: Int, _ column: Int, _ fragment: String) {
        self.init(name, bytes: Array(text.utf8), at: line, column, fragment)
    }

    init(_ name: String, bytes: [UInt8], at line: Int, _ column: Int, _ fragment: String) {
        self.name = name
        self.input = bytes
        self.line = line
        self.column = column
        self.fragment = fragment
    }

    var testDescription: String { name }
}

/// `"` + bytes + `"`: a string literal around raw (possibly invalid) bytes.
private func quotedBytes(_ bytes: [UInt8]) -> [UInt8] {
    [0x22] + bytes + [0x22]
}

let rejectCases: [RejectCase] = [
    // Empty input and white space
    RejectCase("empty input", "", at: 1, 1, "expected a JSON value, found end of input"),
    RejectCase("only white space", " \n ", at: 2, 2, "found end of input"),
    RejectCase("byte order mark", bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), at: 1, 1, "byte order mark (U+FEFF)"),
    RejectCase("form feed is not white space", "[1,\u{0C}2]", at: 1, 4, "found control character U+000C"),
    RejectCase("vertical tab is not white space", "[\u{0B}1]", at: 1, 2, "found control character U+000B"),
    RejectCase("no-break space is not white space", "[1,\u{A0}2]", at: 1, 4, "found '\u{A0}' (U+00A0)"),
    RejectCase("NUL outside a string", "[\u{0}]", at: 1, 2, "found control character U+0000"),

    // Commas, colons, brackets
    RejectCase("trailing comma in an object", #"{"a": 1,}"#, at: 1, 8, "trailing comma before '}': remove it"),
    RejectCase("trailing comma and space in an object", #"{"a": 1, }"#, at: 1, 8, "trailing comma before '}'"),
    RejectCase("trailing comma in an array", "[1, 2,]", at: 1, 6, "trailing comma before ']': remove it"),
    RejectCase("trailing comma on its own line", "{\n  \"a\": 1,\n}", at: 2, 9, "trailing comma before '}'"),
    RejectCase("trailing comma in a nested array", #"{"a": [1,]}"#, at: 1, 9, "trailing comma before ']'"),
    RejectCase("two commas", "[1,,2]", at: 1, 4, "expected a JSON value (object, array, string, number, true, false or null), found ','"),
    RejectCase("leading comma in an array", "[,1]", at: 1, 2, "expected a JSON value"),
    RejectCase("only a comma in an object", "{,}", at: 1, 2, "expected a string key or '}' in an object, found ','"),
    RejectCase("comma after the value", "1,", at: 1, 2, "expected end of input after the JSON value, found ','"),
    RejectCase("missing comma in an array", "[1 2]", at: 1, 4, "expected ',' or ']' after an array element, found '2'"),
    RejectCase("missing comma in an object", #"{"a": 1 "b": 2}"#, at: 1, 9, "expected ',' or '}' after an object member, found '\"'"),
    RejectCase("object closed with ]", #"{"a": 1]"#, at: 1, 8, "expected ',' or '}' after an object member, found ']'"),
    RejectCase("array closed with }", "[1}", at: 1, 3, "expected ',' or ']' after an array element, found '}'"),
    RejectCase("missing colon", #"{"a" 1}"#, at: 1, 6, "expected ':' after the key \"a\", found '1'"),
    RejectCase("missing value", #"{"a":}"#, at: 1, 6, "expected a JSON value (object, array, string, number, true, false or null), found '}'"),
    RejectCase("unclosed array", "[1, 2", at: 1, 6, "expected ',' or ']' after an array element, found end of input"),
    RejectCase("unclosed object", #"{"a": 1"#, at: 1, 8, "expected ',' or '}' after an object member, found end of input"),
    RejectCase("only an opening bracket", "[", at: 1, 2, "expected a JSON value, found end of input"),
    RejectCase("only a closing bracket", "]", at: 1, 1, "expected a JSON value (object, array, string, number, true, false or null), found ']'"),
    RejectCase("a key after the comma is missing", #"{"a": 1, 2}"#, at: 1, 10, "expected a string key after ',' in an object, found '2'"),

    // Keys
    RejectCase("number as key", "{1: 2}", at: 1, 2, "expected a string key or '}' in an object, found '1'"),
    RejectCase("unquoted key", "{a: 1}", at: 1, 2, "found 'a': put the key in double quotes"),
    RejectCase("single-quoted key", "{'a': 1}", at: 1, 2, "found \"'\": JSON strings and keys use double quotes"),
    RejectCase("duplicate key", #"{"type": "a", "type": "b"}"#, at: 1, 15, #"duplicate key "type" (first at 1:2): keep one"#),
    RejectCase("duplicate key in a nested object", "{\n  \"a\": {\n    \"x\": 1,\n    \"x\": 2\n  }\n}", at: 4, 5, #"duplicate key "x" (first at 3:5)"#),
    RejectCase("duplicate key spelled with an escape", #"{"a": 1, "\u0061": 2}"#, at: 1, 10, #"duplicate key "a" (first at 1:2)"#),
    RejectCase("duplicate empty key", #"{"": 1, "": 2}"#, at: 1, 9, #"duplicate key "" (first at 1:2)"#),

    // Literals and habits from other languages
    RejectCase("single-quoted string", "['a']", at: 1, 2, "JSON strings and keys use double quotes"),
    RejectCase("line comment", "{\"a\": 1 // note\n}", at: 1, 9, "found '/': JSON has no comments, remove it"),
    RejectCase("block comment before the value", "/* note */ {}", at: 1, 1, "JSON has no comments"),
    RejectCase("hash comment", "# note\n{}", at: 1, 1, "JSON has no comments"),
    RejectCase("NaN", "NaN", at: 1, 1, "NaN is not a JSON number: use a number, or null"),
    RejectCase("Infinity", "[Infinity]", at: 1, 2, "Infinity is not a JSON number"),
    RejectCase("-Infinity", "[-Infinity]", at: 1, 2, "-Infinity is not a JSON number"),
    RejectCase("capitalised true", "True", at: 1, 1, "JSON literals are lower-case, write true"),
    RejectCase("upper-case NULL", "[NULL]", at: 1, 2, "write null"),
    RejectCase("truncated literal", "nul", at: 1, 1, "found 'nul'"),
    RejectCase("literal with trailing letters", "[truex]", at: 1, 2, "found 'truex'"),
    RejectCase("unquoted string", "[abc]", at: 1, 2, "found 'abc': if it is a string, put it in double quotes"),

    // Numbers
    RejectCase("leading zero", "01", at: 1, 1, "a JSON number cannot have a leading zero"),
    RejectCase("negative leading zero", "[-012]", at: 1, 2, "leading zero"),
    RejectCase("plus sign", "+1", at: 1, 1, "a JSON number cannot start with '+': remove it"),
    RejectCase("leading decimal point", "[.5]", at: 1, 2, "write 0.5, not .5"),
    RejectCase("trailing decimal point", "1.", at: 1, 3, "expected a digit after the decimal point, found end of input"),
    RejectCase("decimal point before exponent", "1.e3", at: 1, 3, "expected a digit after the decimal point, found 'e'"),
    RejectCase("exponent beyond Double", "{\"mtu\": 1e999}", at: 1, 9, "1e999 is beyond the range of a 64-bit float: Go's encoding/json"),
    RejectCase("negative exponent beyond Double", "[-1.8e308]", at: 1, 2, "-1.8e308 is beyond the range of a 64-bit float"),
    RejectCase("integer beyond Double", "[1" + String(repeating: "0", count: 309) + "]", at: 1, 2, "10000000000000000000… is beyond the range"),
    RejectCase("empty exponent", "1e", at: 1, 3, "expected a digit in the exponent, found end of input"),
    RejectCase("exponent with only a sign", "[1e+]", at: 1, 5, "expected a digit in the exponent, found ']'"),
    RejectCase("only a minus", "-", at: 1, 2, "expected a digit after '-', found end of input"),
    RejectCase("minus and space", "- 1", at: 1, 2, "expected a digit after '-', found ' '"),
    RejectCase("hexadecimal", "0x1F", at: 1, 2, "expected end of input after the JSON value, found 'x'"),
    RejectCase("two decimal points", "[1.5.3]", at: 1, 5, "expected ',' or ']' after an array element, found '.'"),

    // Strings: escapes
    RejectCase("unknown escape", #""\x41""#, at: 1, 2, #"invalid escape \x in a string: JSON allows only"#),
    RejectCase("escaped single quote", #""\'""#, at: 1, 2, #"invalid escape \'"#),
    RejectCase("escape of a control character", "\"\\\u{01}\"", at: 1, 2, "'\\' followed by control character U+0001"),
    RejectCase("short unicode escape", #""\u12""#, at: 1, 2, #"expected 4 hex digits after \u, found '"'"#),
    RejectCase("non-hex unicode escape", #""\u00G0""#, at: 1, 2, "found 'G'"),
    RejectCase("lone high surrogate", #""\uD800""#, at: 1, 2, #"lone surrogate \uD800: a high surrogate must be followed by a low one"#),
    RejectCase("lone low surrogate", #"["\uDC00"]"#, at: 1, 3, #"lone surrogate \uDC00: a low surrogate must follow a high one"#),
    RejectCase("high surrogate before text", #""\uD83Dx""#, at: 1, 2, #"lone surrogate \uD83D"#),
    RejectCase("high surrogate before a non-surrogate escape", #""\uD800\u0041""#, at: 1, 2, #"it is followed by \u0041, not by a low surrogate"#),
    RejectCase("two high surrogates", #""\uD800\uD800""#, at: 1, 2, #"followed by \uD800"#),
    RejectCase("surrogates in the wrong order", #""\uDE00\uD83D""#, at: 1, 2, #"lone surrogate \uDE00"#),
    RejectCase("backslash at the end of input", "\"abc\\", at: 1, 5, "expected an escape after '\\', found end of input"),

    // Strings: control characters and termination
    RejectCase("raw tab in a string", "\"a\tb\"", at: 1, 3, "control character U+0009 inside a string: write it as \\t"),
    RejectCase("raw NUL in a string", "\"a\u{0}\"", at: 1, 3, "write it as \\u0000"),
    RejectCase("raw U+001F in a string", "\"\u{1F}\"", at: 1, 2, "write it as \\u001f"),
    RejectCase("raw line break in a string", "{\"a\": \"one\ntwo\"}", at: 1, 11, "line break inside a string: close the string with '\"' or write \\n"),
    RejectCase("raw carriage return in a string", "\"a\rb\"", at: 1, 3, "write \\r"),
    RejectCase("unterminated string", "[\"abc", at: 1, 2, "unterminated string: expected '\"' to close it, found end of input"),

    // Invalid UTF-8, inside and outside strings
    RejectCase("lone continuation byte", bytes: quotedBytes([0x80]), at: 1, 2, "invalid UTF-8: unexpected continuation byte 0x80"),
    RejectCase("overlong two-byte slash", bytes: quotedBytes([0xC0, 0xAF]), at: 1, 2, "byte 0xC0 starts an overlong encoding"),
    RejectCase("overlong three-byte", bytes: quotedBytes([0xE0, 0x80, 0xAF]), at: 1, 2, "0xE0 0x80 is an overlong encoding"),
    RejectCase("overlong four-byte", bytes: quotedBytes([0xF0, 0x80, 0x80, 0xAF]), at: 1, 2, "0xF0 0x80 is an overlong encoding"),
    RejectCase("UTF-8-encoded surrogate", bytes: quotedBytes([0xED, 0xA0, 0x80]), at: 1, 2, "encodes a UTF-16 surrogate (U+D800–U+DFFF)"),
    RejectCase("code point past U+10FFFF", bytes: quotedBytes([0xF4, 0x90, 0x80, 0x80]), at: 1, 2, "encodes a code point past U+10FFFF"),
    RejectCase("byte 0xF5", bytes: quotedBytes([0xF5, 0x80, 0x80, 0x80]), at: 1, 2, "byte 0xF5 never occurs in UTF-8"),
    RejectCase("byte 0xFF", bytes: quotedBytes([0xFF]), at: 1, 2, "byte 0xFF never occurs in UTF-8"),
    RejectCase("sequence cut by the end of input", bytes: [0x22, 0xE2, 0x82], at: 1, 2, "truncated sequence: 0xE2 needs 2 continuation byte(s), found end of input"),
    RejectCase("sequence cut by the closing quote", bytes: quotedBytes([0xE2, 0x82]), at: 1, 2, "expected a continuation byte (0x80–0xBF) after 0xE2, found 0x22"),
    RejectCase("invalid UTF-8 after valid text", bytes: quotedBytes(Array("é".utf8) + [0xC3]), at: 1, 3, "invalid UTF-8"),
    RejectCase("invalid byte outside a string", bytes: Array("[".utf8) + [0xFF] + Array("]".utf8), at: 1, 2, "found byte 0xFF (not valid UTF-8)"),

    // Positions: columns count Unicode scalars, lines count LF (CRLF once, lone CR not at all)
    RejectCase("column after a two-byte character", #"{"é": 1,}"#, at: 1, 8, "trailing comma before '}'"),
    RejectCase("column after an emoji", #"["😀" x]"#, at: 1, 6, "found 'x'"),
    RejectCase("CRLF line endings", "[1,\r\n2,\r\n]", at: 2, 2, "trailing comma before ']'"),
    RejectCase("lone CR is not a line break", "[1,\r2,\r]", at: 1, 6, "trailing comma before ']'"),

    // Trailing content
    RejectCase("garbage after the value", "{} x", at: 1, 4, "expected end of input after the JSON value, found 'x'"),
    RejectCase("two top-level values", "1 2", at: 1, 3, "expected end of input after the JSON value, found '2'"),
    RejectCase("trailing comment", "{}\n// done", at: 2, 1, "JSON has no comments"),

    // Depth
    RejectCase("129 nested arrays", String(repeating: "[", count: 129) + String(repeating: "]", count: 129), at: 1, 129,
               "arrays and objects nested deeper than the limit of 128: flatten the document"),
    RejectCase("129 nested objects", String(repeating: #"{"a":"#, count: 129) + "1" + String(repeating: "}", count: 129), at: 1, 641,
               "nested deeper than the limit of 128"),
    RejectCase("a million opening brackets", String(repeating: "[", count: 1_000_000), at: 1, 129, "nested deeper than the limit of 128"),
]

@Suite struct JSONParserRejectTests {
    @Test(arguments: rejectCases)
    func rejects(_ row: RejectCase) {
        #expect {
            try JSONParser.parse(row.input, maxDepth: row.maxDepth)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            #expect(error.position.line == row.line, "\(error)")
            #expect(error.position.column == row.column, "\(error)")
            #expect(error.message.contains(row.fragment), "\(error)")
            return true
        }
    }

    @Test func customDepthLimit() throws {
        #expect(throws: JSONSyntaxError(
            position: SourcePosition(line: 1, column: 2, offset: 1),
            message: "arrays and objects nested deeper than the limit of 1: flatten the document"
        )) {
            try JSONParser.parse("[[1]]", maxDepth: 1)
        }
        #expect(try JSONParser.parse("[1]", maxDepth: 1).value.arrayValue?.count == 1)
    }

    @Test func errorOffsetIsTheByteOffset() {
        // "😀" is four bytes and one column.
        #expect {
            try JSONParser.parse(#"["😀" x]"#)
        } throws: { error in
            (error as? JSONSyntaxError)?.position == SourcePosition(line: 1, column: 6, offset: 8)
        }
    }

    @Test func descriptionIsLineColumnAndMessage() {
        let error = JSONSyntaxError(position: SourcePosition(line: 3, column: 14, offset: 40), message: "trailing comma before '}': remove it")
        #expect(error.description == "3:14: trailing comma before '}': remove it")
    }

    @Test func stringAndBytesGiveTheSameError() {
        let text = "{\n  \"a\": tru\n}"
        var fromString: JSONSyntaxError?
        var fromBytes: JSONSyntaxError?
        do { _ = try JSONParser.parse(text) } catch { fromString = error }
        do { _ = try JSONParser.parse(Array(text.utf8)) } catch { fromBytes = error }
        #expect(fromString != nil)
        #expect(fromString == fromBytes)
        #expect(fromString?.position.description == "2:8")
    }
}
