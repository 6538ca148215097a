import ENIConfig
import Testing

/// A value built by hand: positions do not matter to the writer.
private let nowhere = SourcePosition(line: 1, column: 1, offset: 0)

private func node(_ value: JSONValue) -> JSONNode {
    JSONNode(value, at: nowhere)
}

private func object(_ members: [(String, JSONValue)]) -> JSONValue {
    .object(JSONObject(members: members.map { JSONObject.Member(key: $0.0, keyPosition: nowhere, value: node($0.1)) }))
}

private func canonical(_ value: JSONValue) -> String {
    String(decoding: GoJSON.marshalIndent(value), as: UTF8.self)
}

private func canonical(parsing text: String) throws -> String {
    canonical(try JSONParser.parse(text).value)
}

/// The layout of `json.MarshalIndent(v, "", "  ")`; numbers and escapes are in GoJSONTests.
@Suite struct GoJSONLayoutTests {
    @Test func writesTheTerwayChainExampleExactly() throws {
        let input = #"{"plugins":[{"type":"terway","eniip_virtual_type":"veth","bandwidth_mode":"tc","capabilities":{"bandwidth":true}},{"type":"portmap","externalSetMarkChain":"KUBE-MARK-MASQ","capabilities":{"portMappings":true}}],"name":"terway-chainer","cniVersion":"0.4.0"}"#
        #expect(try canonical(parsing: input) == Seed.portmapRender)
    }

    @Test func sortsKeysByUTF8BytesAtEveryLevel() {
        // UTF-8 order differs from UTF-16 order for U+FF61 and U+1F600, and from Swift's
        // canonical-equivalence order for "e" + U+0301 and "é".
        let keys = ["b", "\u{1F600}", "a", "\u{FF61}", "B", "é", "", "ab", "e\u{301}", "z", "日"]
        let value = object(keys.map { ($0, object([("y", .null), ("x", .null)])) })
        let written = canonical(value)
        let expectedOrder = ["", "B", "a", "ab", "b", "e\u{301}", "z", "é", "日", "\u{FF61}", "\u{1F600}"]
        let expected = "{\n" + expectedOrder.map { "  \"\($0)\": {\n    \"x\": null,\n    \"y\": null\n  }" }.joined(separator: ",\n") + "\n}"
        #expect(written.utf8.elementsEqual(expected.utf8))
    }

    @Test func escapesAsGoDoesWithHTMLSafety() {
        let text = "quote\" backslash\\ slash/ tab\t newline\n return\r backspace\u{08} feed\u{0C} nul\u{0} unit\u{1F} del\u{7F} <>& é \u{2028}\u{2029} 😀"
        let expected = #""quote\" backslash\\ slash/ tab\t newline\n return\r backspace\b feed\f nul\u0000 unit\u001f del"#
            + "\u{7F} \\u003c\\u003e\\u0026 é \\u2028\\u2029 😀\""
        #expect(canonical(.string(text)).utf8.elementsEqual(expected.utf8))
    }

    @Test func writesNumbersAsTheirFloat64() throws {
        #expect(try canonical(parsing: "[1.50, 1E3, -0, 12345678901234567890123, 1e-7, 0.0]")
            == "[\n  1.5,\n  1000,\n  -0,\n  1.2345678901234568e+22,\n  1e-7,\n  0\n]")
    }

    @Test func writesEmptyContainersOnOneLine() throws {
        #expect(try canonical(parsing: #"{"b": [], "a": {}, "c": [{}, []]}"#)
            == "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    {},\n    []\n  ]\n}")
        #expect(canonical(.array([])) == "[]")
        #expect(canonical(object([])) == "{}")
    }

    @Test func writesScalarsAtTheTopWithoutAFinalNewline() {
        #expect(canonical(.null) == "null")
        #expect(canonical(.bool(false)) == "false")
        #expect(canonical(.string("x")) == "\"x\"")
        #expect(canonical(.number(JSONNumber(literal: "42"))) == "42")
    }

    @Test func indentsNestedValuesByTwoSpacesPerLevel() throws {
        #expect(try canonical(parsing: #"{"a": [[1, {"b": "c"}]]}"#)
            == "{\n  \"a\": [\n    [\n      1,\n      {\n        \"b\": \"c\"\n      }\n    ]\n  ]\n}")
    }

    @Test func ignoresSourceLayoutAndMemberOrder() throws {
        let compact = try canonical(parsing: #"{"b":1,"a":[true,null]}"#)
        let spread = try canonical(parsing: "{\n\t\"a\" : [ true ,\r\n null ] ,\n \"b\" : 1 }")
        #expect(compact == spread)
    }
}

@Suite struct JSONValueDescriptionTests {
    @Test func compactDescriptionKeepsSourceOrderOnOneLine() throws {
        let value = try JSONParser.parse("{\n  \"b\": [1, true],\n  \"a\": {\"s\": \"x\\ny\"}\n}").value
        #expect(value.compactDescription == #"{"b": [1, true], "a": {"s": "x\ny"}}"#)
    }

    @Test func compactDescriptionCutsLongValuesAtSixtyScalars() throws {
        let value = try JSONParser.parse("[" + (1...40).map(String.init).joined(separator: ", ") + "]").value
        let description = value.compactDescription
        #expect(description.unicodeScalars.count == 60)
        #expect(description.hasPrefix("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,"))
        #expect(description.hasSuffix("…"))
    }

    @Test func compactDescriptionOfAHugeStringStaysShort() {
        let huge = JSONValue.string(String(repeating: "日本", count: 500_000))
        let description = huge.compactDescription
        #expect(description == "\"" + String(repeating: "日本", count: 29) + "…")
    }

    @Test func compactDescriptionOfShortValuesIsComplete() {
        #expect(JSONValue.string("a\"b").compactDescription == #""a\"b""#)
        #expect(JSONValue.null.compactDescription == "null")
        #expect(JSONValue.array([]).compactDescription == "[]")
        let exactlySixty = JSONValue.string(String(repeating: "x", count: 58))
        #expect(exactlySixty.compactDescription.unicodeScalars.count == 60)
        #expect(!exactlySixty.compactDescription.hasSuffix("…"))
    }

    @Test func kindNamesReadInMessages() {
        let kinds: [(JSONValue, String)] = [
            (.null, "null"), (.bool(true), "a boolean"), (.number(JSONNumber(literal: "1")), "a number"),
            (.string(""), "a string"), (.array([]), "an array"), (object([]), "an object"),
        ]
        for (value, name) in kinds {
            #expect(value.kindName == name)
        }
    }

    @Test func accessorsAnswerOnlyForTheirKind() throws {
        let value = try JSONParser.parse(#"{"s": "x", "b": false, "n": 2.5, "a": [null], "o": {}}"#).value
        let members = try #require(value.objectValue)
        #expect(members["s"]?.value.stringValue == "x")
        #expect(members["b"]?.value.boolValue == false)
        #expect(members["n"]?.value.numberValue?.literal == "2.5")
        #expect(members["a"]?.value.arrayValue?.count == 1)
        #expect(members["o"]?.value.objectValue?.members.isEmpty == true)

        #expect(members["s"]?.value.boolValue == nil)
        #expect(members["b"]?.value.stringValue == nil)
        #expect(members["n"]?.value.stringValue == nil)
        #expect(members["a"]?.value.objectValue == nil)
        #expect(members["o"]?.value.arrayValue == nil)
        #expect(members["a"]?.value.arrayValue?.first?.value.numberValue == nil)
        #expect(value.arrayValue == nil)
    }
}
