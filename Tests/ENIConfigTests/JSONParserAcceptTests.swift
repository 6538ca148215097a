import ENIConfig
import Testing

/// Documents the parser must accept (JSONTestSuite's `y_` cases), each with the value it
/// must produce, written as one-line JSON (`compactDescription`, members in source order).
struct AcceptCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    let parsed: String

    init(_ name: String, _ text: String, gives parsed: String) {
        self.init(name, bytes: Array(text.utf8), gives: parsed)
    }

    init(_ name: String, bytes: [UInt8], gives parsed: String) {
        self.name = name
        self.input = bytes
        self.parsed = parsed
    }

    var testDescription: String { name }
}

let acceptCases: [AcceptCase] = [
    AcceptCase("empty object", "{}", gives: "{}"),
    AcceptCase("empty array", "[]", gives: "[]"),
    AcceptCase("empty string", #""""#, gives: #""""#),
    AcceptCase("top-level number", "0", gives: "0"),
    AcceptCase("top-level true", "true", gives: "true"),
    AcceptCase("top-level false", "false", gives: "false"),
    AcceptCase("top-level null", "null", gives: "null"),
    AcceptCase("all four white-space characters", " \t\r\n[ 1 ,\t2\r\n]\n", gives: "[1, 2]"),
    AcceptCase("nested containers", #"{"a":{"b":[{"c":null},[],{}]}}"#, gives: #"{"a": {"b": [{"c": null}, [], {}]}}"#),
    AcceptCase("members keep source order", #"{"z": 1, "a": 2}"#, gives: #"{"z": 1, "a": 2}"#),
    AcceptCase("same key in sibling objects", #"[{"a": 1}, {"a": 2}]"#, gives: #"[{"a": 1}, {"a": 2}]"#),
    AcceptCase("key and its prefix", #"{"a": 1, "ab": 2}"#, gives: #"{"a": 1, "ab": 2}"#),
    AcceptCase("empty key", #"{"": 0}"#, gives: #"{"": 0}"#),
    AcceptCase("canonically equivalent keys are different keys", "{\"\u{E9}\": 1, \"e\u{301}\": 2}", gives: "{\"\u{E9}\": 1, \"e\u{301}\": 2}"),

    // Numbers are kept exactly as written.
    AcceptCase("negative zero", "-0", gives: "-0"),
    AcceptCase("big integer", "12345678901234567890123", gives: "12345678901234567890123"),
    AcceptCase("big negative integer", "-98765432109876543210987654321", gives: "-98765432109876543210987654321"),
    AcceptCase("long fraction", "0.100000000000000000000000000001", gives: "0.100000000000000000000000000001"),
    AcceptCase("exponent with plus", "-1.5e+10", gives: "-1.5e+10"),
    AcceptCase("capital exponent with minus", "1E-7", gives: "1E-7"),
    AcceptCase("the largest Double", "[1.7976931348623157e308, -1.7976931348623157e308]", gives: "[1.7976931348623157e308, -1.7976931348623157e308]"),
    AcceptCase("exponent below Double (Go rounds it to 0)", "[1e-999, -1e-999]", gives: "[1e-999, -1e-999]"),
    AcceptCase("trailing fraction zeros", "1.500", gives: "1.500"),
    AcceptCase("zero with fraction and exponent", "-0.0e-0", gives: "-0.0e-0"),

    // Escapes and characters
    AcceptCase("every short escape", #""\"\\\/\b\f\n\r\t""#, gives: #""\"\\/\b\f\n\r\t""#),
    AcceptCase("escaped NUL", #""\u0000""#, gives: #""\u0000""#),
    AcceptCase("unicode escape, lower-case hex", #""\u00e9""#, gives: "\"\u{E9}\""),
    AcceptCase("unicode escape, upper-case hex", #""\u00C9""#, gives: "\"\u{C9}\""),
    AcceptCase("surrogate pair", #""\uD83D\uDE00""#, gives: "\"\u{1F600}\""),
    AcceptCase("escaped U+FFFF", #""\uFFFF""#, gives: "\"\u{FFFF}\""),
    AcceptCase("escaped BOM inside a string", #""\uFEFF""#, gives: "\"\u{FEFF}\""),
    AcceptCase("escaped solidus and plain solidus", #""a\/b/c""#, gives: #""a/b/c""#),
    AcceptCase("raw DEL", "\"\u{7F}\"", gives: "\"\u{7F}\""),
    AcceptCase("raw U+2028", "\"\u{2028}\"", gives: "\"\u{2028}\""),
    AcceptCase("raw U+0080, smallest two-byte", bytes: [0x22, 0xC2, 0x80, 0x22], gives: "\"\u{80}\""),
    AcceptCase("raw U+07FF, largest two-byte", bytes: [0x22, 0xDF, 0xBF, 0x22], gives: "\"\u{7FF}\""),
    AcceptCase("raw U+0800, smallest three-byte", bytes: [0x22, 0xE0, 0xA0, 0x80, 0x22], gives: "\"\u{800}\""),
    AcceptCase("raw U+D7FF, just below the surrogates", bytes: [0x22, 0xED, 0x9F, 0xBF, 0x22], gives: "\"\u{D7FF}\""),
    AcceptCase("raw U+E000, just above the surrogates", bytes: [0x22, 0xEE, 0x80, 0x80, 0x22], gives: "\"\u{E000}\""),
    AcceptCase("raw U+10000, smallest four-byte", bytes: [0x22, 0xF0, 0x90, 0x80, 0x80, 0x22], gives: "\"\u{10000}\""),
    AcceptCase("raw U+10FFFF, largest code point", bytes: [0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22], gives: "\"\u{10FFFF}\""),
    AcceptCase("depth exactly at the limit", String(repeating: "[", count: 128) + String(repeating: "]", count: 128),
               gives: String(repeating: "[", count: 59) + "…"),
]

@Suite struct JSONParserAcceptTests {
    @Test(arguments: acceptCases)
    func accepts(_ row: AcceptCase) throws {
        let node = try JSONParser.parse(row.input)
        #expect(node.value.compactDescription == row.parsed)
    }

    @Test func decodesEveryEscapeToItsCharacter() throws {
        let node = try JSONParser.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\uD834\uDD1E""#)
        #expect(node.value.stringValue?.unicodeScalars.map(\.value) == [
            0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09, 0x41, 0xE9, 0x20AC, 0x1D11E,
        ])
    }

    @Test func keepsBigNumbersAsWritten() throws {
        let node = try JSONParser.parse(#"{"n": 12345678901234567890123, "f": 1.50, "e": 1E3}"#)
        let object = try #require(node.value.objectValue)
        #expect(object["n"]?.value.numberValue?.literal == "12345678901234567890123")
        #expect(object["f"]?.value.numberValue?.literal == "1.50")
        #expect(object["e"]?.value.numberValue?.literal == "1E3")
        // 309 digits is still a float64 (1e308); the parser rejects one digit more, as Go does.
        let longest = "9" + String(repeating: "0", count: 308)
        #expect(try JSONParser.parse(longest).value.numberValue?.literal == longest)
    }

    @Test func recordsWhereEveryValueAndKeyStands() throws {
        let text = "{\n  \"é\": [1, \"x\",\r\n    {\"b\": true}],\n\t\"c\": null\n}"
        let root = try JSONParser.parse(text)
        #expect(root.position == SourcePosition(line: 1, column: 1, offset: 0))
        let object = try #require(root.value.objectValue)
        #expect(object.keys == ["é", "c"])

        let first = try #require(object.member("é"))
        #expect(first.keyPosition == SourcePosition(line: 2, column: 3, offset: 4))
        #expect(first.value.position == SourcePosition(line: 2, column: 8, offset: 10))
        let elements = try #require(first.value.value.arrayValue)
        #expect(elements.map(\.position.description) == ["2:9", "2:12", "3:5"])
        let inner = try #require(elements[2].value.objectValue?.member("b"))
        #expect(inner.keyPosition == SourcePosition(line: 3, column: 6, offset: 25))
        #expect(inner.value.position == SourcePosition(line: 3, column: 11, offset: 30))

        let last = try #require(object.member("c"))
        #expect(last.keyPosition == SourcePosition(line: 4, column: 2, offset: 39))
        #expect(last.value.position == SourcePosition(line: 4, column: 7, offset: 44))
    }

    @Test func parsesCollectionsWithoutContiguousStorage() throws {
        let bytes = Array(#"{"a": [1, "é"]}"#.utf8)
        let lazyBytes = bytes.lazy.map { $0 }
        #expect(lazyBytes.withContiguousStorageIfAvailable { _ in true } == nil)
        #expect(try JSONParser.parse(lazyBytes) == JSONParser.parse(bytes))
    }

    @Test func aMiBSizedDocumentParsesCompletely() throws {
        let elements = (0..<20_000).map { index in
            #"{"name": "plugin-\#(index)", "mtu": \#(index), "sysctl": {"net.ipv6.conf.all.disable_ipv6": "1"}}"#
        }
        let text = "[\n" + elements.joined(separator: ",\n") + "\n]"
        #expect(text.utf8.count > 1_000_000)
        let parsed = try JSONParser.parse(text)
        let array = try #require(parsed.value.arrayValue)
        #expect(array.count == 20_000)
        let last = try #require(array.last?.value.objectValue)
        #expect(last["mtu"]?.value.numberValue?.exactInteger == 19_999)
        #expect(array.last?.position.line == 20_001)
    }
}
