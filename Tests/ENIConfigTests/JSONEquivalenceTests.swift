import ENIConfig
import Testing

private func parse(_ text: String) throws -> JSONNode {
    try JSONParser.parse(text)
}

@Suite struct JSONNumberValueTests {
    @Test(arguments: [
        ("1", "1.0"), ("1", "1e0"), ("1", "10e-1"), ("1", "0.1e1"), ("1", "100E-2"), ("100", "1e2"), ("100", "1E+2"),
        ("-0", "0"), ("0", "0.000"), ("0", "0e99"), ("-0.0e-5", "0"), ("0", "0e99999999999999999999999"),
        ("1.5", "15e-1"), ("0.1", "0.10"), ("-2.50", "-25e-1"), ("12345678901234567890", "1234567890123456789e1"),
        ("1e99999999999999999999", "1e99999999999999999999"),
    ])
    func equalValuesInDifferentSpellings(_ pair: (String, String)) {
        let (first, second) = (JSONNumber(literal: pair.0), JSONNumber(literal: pair.1))
        #expect(first.isNumericallyEqual(to: second))
        #expect(second.isNumericallyEqual(to: first))
    }

    @Test(arguments: [
        ("1", "-1"), ("1", "1.01"), ("12345678901234567890", "12345678901234567891"), ("0.1", "0.01"),
        ("1e2", "1e3"), ("100", "10"), ("1e-2", "1e2"), ("9007199254740993", "9007199254740992"),
        ("1e99999999999999999999", "1e99999999999999999998"), ("1", "0"),
    ])
    func differentValues(_ pair: (String, String)) {
        let (first, second) = (JSONNumber(literal: pair.0), JSONNumber(literal: pair.1))
        #expect(!first.isNumericallyEqual(to: second))
        #expect(!second.isNumericallyEqual(to: first))
    }

    @Test(arguments: [
        ("0", 0), ("-0", 0), ("1", 1), ("1.0", 1), ("1e2", 100), ("1E+2", 100), ("120e-1", 12), ("0.000", 0),
        ("-42", -42), ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
        ("9.223372036854775807e18", Int.max), ("0e99999999999999999999999", 0),
    ] as [(String, Int)])
    func wholeNumbersInRangeAreIntegers(_ row: (String, Int)) {
        #expect(JSONNumber(literal: row.0).exactInteger == row.1)
    }

    @Test(arguments: [
        "1.5", "12e-1", "-0.1", "1e-400", "9223372036854775808", "-9223372036854775809", "1e19", "1e9223372036854775807",
        "123456789012345678901234567890", "1e99999999999999999999",
    ])
    func fractionsAndOutOfRangeNumbersAreNotIntegers(_ literal: String) {
        #expect(JSONNumber(literal: literal).exactInteger == nil)
    }
}

@Suite struct JSONEquivalenceTests {
    @Test func objectsIgnoreMemberOrderAndLayout() throws {
        let first = try parse(#"{"a": 1, "b": {"c": [true, null], "d": "x"}}"#)
        let second = try parse("{\n  \"b\": {\"d\": \"x\", \"c\": [true, null]},\n  \"a\": 1.0\n}")
        #expect(first.value.isEquivalent(to: second.value))
        #expect(first.differences(from: second).isEmpty)
    }

    @Test func arraysKeepTheirOrder() throws {
        #expect(try !parse("[1, 2]").value.isEquivalent(to: parse("[2, 1]").value))
        #expect(try !parse("[1, 2]").value.isEquivalent(to: parse("[1, 2, 2]").value))
    }

    @Test func kindsNeverMatchEachOther() throws {
        let values = try ["null", "false", "0", "\"0\"", "\"false\"", "[]", "{}", "[null]", #"{"": null}"#].map { try parse($0).value }
        for (i, first) in values.enumerated() {
            for (j, second) in values.enumerated() {
                #expect(first.isEquivalent(to: second) == (i == j), "\(first.compactDescription) vs \(second.compactDescription)")
            }
        }
    }

    @Test func stringsAndKeysCompareByBytes() throws {
        // Precomposed and decomposed "é" are equal Swift Strings but different bytes on the node.
        #expect(try !parse("\"\u{E9}\"").value.isEquivalent(to: parse("\"e\u{301}\"").value))
        #expect(try !parse("{\"\u{E9}\": 1}").value.isEquivalent(to: parse("{\"e\u{301}\": 1}").value))
        #expect(try parse(#""\u00e9""#).value.isEquivalent(to: parse("\"\u{E9}\"").value))
    }

    @Test func missingMemberIsADifference() throws {
        #expect(try !parse(#"{"a": 1}"#).value.isEquivalent(to: parse(#"{"a": 1, "b": null}"#).value))
    }

    @Test func largeObjectsCompareByKey() throws {
        let keys = (0..<40).map { "key\($0)" }
        let forward = try parse("{" + keys.map { "\"\($0)\": \"\($0)\"" }.joined(separator: ",") + "}")
        let backward = try parse("{" + keys.reversed().map { "\"\($0)\": \"\($0)\"" }.joined(separator: ",") + "}")
        let changed = try parse("{" + keys.map { "\"\($0)\": \"\($0 == "key31" ? "other" : $0)\"" }.joined(separator: ",") + "}")
        #expect(forward.value.isEquivalent(to: backward.value))
        #expect(!forward.value.isEquivalent(to: changed.value))
        #expect(forward.differences(from: changed).map(\.path.description) == ["key31"])
    }
}

@Suite struct JSONDifferenceTests {
    @Test func namesThePathAndBothValues() throws {
        let conflistPlugin = try parse("{\n  \"type\": \"terway\",\n  \"capabilities\": {\"bandwidth\": false}\n}")
        let conf = try parse(#"{"capabilities": {"bandwidth": true}, "type": "terway"}"#)
        let differences = conflistPlugin.differences(from: conf, at: JSONPath([.key("plugins"), .index(0)]))
        try #require(differences.count == 1)
        #expect(differences[0].path.description == "plugins[0].capabilities.bandwidth")
        #expect(differences[0].here?.value.compactDescription == "false")
        #expect(differences[0].here?.position.description == "3:33")
        #expect(differences[0].there?.value.compactDescription == "true")
    }

    @Test func missingAndExtraMembersHaveOneNilSide() throws {
        let here = try parse(#"{"a": 1, "b": 2, "c": {"d": 3}}"#)
        let there = try parse(#"{"c": {"d": 3, "e": 4}, "a": 1, "z": 5}"#)
        let differences = here.differences(from: there)
        #expect(differences.map(\.path.description) == ["b", "c.e", "z"])
        #expect(differences.map { $0.here?.value.compactDescription } == ["2", nil, nil])
        #expect(differences.map { $0.there?.value.compactDescription } == [nil, "4", "5"])
    }

    @Test func arraysOfDifferentLengthsGiveOneDifferencePerElement() throws {
        let here = try parse("[1, [2, 3], 4]")
        let there = try parse("[1, [2, 30, 31, 32]]")
        let differences = here.differences(from: there)
        #expect(differences.map(\.path.description) == ["[1][1]", "[1][2]", "[1][3]", "[2]"])
        #expect(differences.map { $0.here?.value.compactDescription } == ["3", nil, nil, "4"])
        #expect(differences.map { $0.there?.value.compactDescription } == ["30", "31", "32", nil])
    }

    @Test func differentKindsDifferOnceAtTheirPath() throws {
        let here = try parse(#"{"sysctl": {"net.ipv4.ip_forward": "1"}}"#)
        let there = try parse(#"{"sysctl": [["net.ipv4.ip_forward", "1"]]}"#)
        let differences = here.differences(from: there)
        try #require(differences.count == 1)
        #expect(differences[0].path == JSONPath([.key("sysctl")]))
        #expect(differences[0].here?.value.kindName == "an object")
        #expect(differences[0].there?.value.kindName == "an array")
    }

    @Test func equalNumbersInDifferentSpellingsAreNoDifference() throws {
        #expect(try parse(#"{"mtu": 1500, "rate": 1e6}"#).differences(from: parse(#"{"mtu": 1500.0, "rate": 1000000}"#)).isEmpty)
    }

    @Test func keysThatNeedQuotingAppearBracketedInPaths() throws {
        let differences = try parse(#"{"sysctl": {"net.ipv6.conf.all.disable_ipv6": "1"}}"#)
            .differences(from: parse(#"{"sysctl": {"net.ipv6.conf.all.disable_ipv6": "0"}}"#))
        #expect(differences.map(\.path.description) == [#"sysctl["net.ipv6.conf.all.disable_ipv6"]"#])
    }
}
