import Testing
import YAMLReader

@Suite struct YAMLTypeTests {
    /// Plain scalars are typed by the YAML 1.1 rules kubectl's go-yaml applies.
    @Test(arguments: [
        ("~", YAMLType.null), ("null", .null), ("NULL", .null),
        ("true", .bool), ("False", .bool), ("yes", .bool), ("OFF", .bool), ("y", .bool), ("N", .bool),
        ("42", .number), ("-17", .number), ("+0", .number), ("1_000", .number), ("0x2A", .number), ("0b1010", .number),
        ("0o17", .number), ("017", .number), ("1:30", .number), ("-1:30:00.5", .number),
        ("3.14", .number), ("1.", .number), ("6.02e23", .number), ("1E-5", .number), (".5", .number), (".5e+3", .number),
        (".inf", .number), ("-.Inf", .number), (".NaN", .number),
        ("terway", .string), ("10.0.0.1", .string), ("1.2.3", .string), ("0x", .string), ("0b12", .string),
        ("1:60", .string), ("01:30", .string), ("-.nan", .string), (".5e3", .string), ("+.5", .string), ("_1", .string),
        ("2001-12-14", .string), ("yes please", .string), ("nullable", .string), ("=", .string), ("<<", .string),
    ])
    func plainScalars(text: String, type: YAMLType) throws {
        let document = try #require(try YAMLReader.documents(in: "value: \(text)\n").first)
        #expect(document.mapping?["value"]?.type == type, "\(text)")
    }

    @Test func quotedBlockAndTaggedScalarsAreTypedByHowTheyAreWritten() throws {
        let yaml = """
            a: "42"
            b: 'true'
            c: |
              ~
            d: !!str yes
            e: !!int "7"
            f: !!bool "on"
            g: ! 12
            h: !!binary aGk=
            i: !!null ""
            """
        let root = try #require(try YAMLReader.documents(in: yaml).first?.mapping)
        let types = ["a", "b", "c", "d", "e", "f", "g", "h", "i"].map { root[$0]?.type }
        #expect(types == [.string, .string, .string, .string, .number, .bool, .string, .other(tag: "tag:yaml.org,2002:binary"), .null])
        #expect(root["f"]?.bool == true)
        #expect(root["c"]?.string == "~\n")
        #expect(root["c"]?.scalar?.style == .literal)
    }

    @Test func booleansHaveTheirYAML11Values() throws {
        let root = try #require(try YAMLReader.documents(in: "a: on\nb: No\nc: 'true'\nd: 1\n").first?.mapping)
        #expect(root["a"]?.bool == true)
        #expect(root["b"]?.bool == false)
        #expect(root["c"]?.bool == nil)
        #expect(root["d"]?.bool == nil)
    }
}

@Suite struct YAMLReaderTests {
    @Test func nodesKeepTheirOrderAndOneBasedMarks() throws {
        let yaml = "kind: ConfigMap\ndata:\n  b: x\n  a: [1, {c: d}]\n"
        let root = try #require(try YAMLReader.documents(in: yaml).first)
        let mapping = try #require(root.mapping)
        #expect(mapping.keys.compactMap(\.string) == ["kind", "data"])
        #expect(root.mark == YAMLMark(line: 1, column: 1))
        let data = try #require(mapping["data"]?.mapping)
        #expect(data.keys.compactMap(\.string) == ["b", "a"])
        #expect(data["b"]?.mark == YAMLMark(line: 3, column: 6))
        let list = try #require(data["a"]?.sequence)
        #expect(list.mark == YAMLMark(line: 4, column: 6))
        #expect(list.items.map(\.mark) == [YAMLMark(line: 4, column: 7), YAMLMark(line: 4, column: 10)])
        #expect(list.items[1].mapping?["c"]?.string == "d")
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let root = try #require(try YAMLReader.documents(in: "ключ: значение\n").first?.mapping)
        #expect(root["ключ"]?.mark == YAMLMark(line: 1, column: 7))
    }

    @Test func everyDocumentOfAStreamIsReturnedEmptyOnesAsNull() throws {
        let documents = try YAMLReader.documents(in: "---\n---\na: 1\n...\n---\n- b\n")
        #expect(documents.map(\.type) == [.null, .mapping, .sequence])
        #expect(documents[2].mark.line == 6)
        #expect(try YAMLReader.documents(in: "").isEmpty)
        #expect(try YAMLReader.documents(in: "# only a comment\n").isEmpty)
    }

    @Test func aliasesAreTheNodesTheirAnchorsName() throws {
        let root = try #require(try YAMLReader.documents(in: "base: &b {x: 1}\ncopy: *b\n").first?.mapping)
        #expect(root["copy"] == root["base"])
        #expect(root["copy"]?.mapping?["x"]?.type == .number)
    }

    @Test func jsonIsReadAsYAML() throws {
        let root = try #require(try YAMLReader.documents(in: #"{"a": "x\ny", "b": [true, null, 1.5]}"#).first?.mapping)
        #expect(root["a"]?.string == "x\ny")
        #expect(root["b"]?.sequence?.items.map(\.type) == [.bool, .null, .number])
    }

    @Test(arguments: [
        ("a: 1\na: 2\n", YAMLMark(line: 2, column: 1), "duplicate keys \"a\" in one mapping: keep one of each"),
        ("{\"not a name!\": 1, \"not a name!\": 2}", YAMLMark(line: 1, column: 20), "duplicate keys in one mapping: keep one of each"),
        ("a: *nowhere\n", YAMLMark(line: 1, column: 4), "found undefined alias"),
        ("a: [1\n", YAMLMark(line: 2, column: 1), "did not find expected ',' or ']' while parsing a flow sequence"),
        ("a: b: c\n", YAMLMark(line: 1, column: 5), "mapping values are not allowed in this context"),
        ("a: 1\n\tb: 2\n", YAMLMark(line: 2, column: 1), "found a tab character that violates indentation while scanning a plain scalar"),
        ("a: ok\nb: \u{7}\n", YAMLMark(line: 2, column: 4), "control characters are not allowed"),
    ])
    func problemsNameTheirPlace(yaml: String, mark: YAMLMark, problem: String) {
        #expect(throws: YAMLError(mark: mark, problem: problem)) { try YAMLReader.documents(in: yaml) }
    }

    @Test func keysEqualAsTextButOfDifferentTypesAreDifferentKeys() throws {
        let root = try #require(try YAMLReader.documents(in: "1: number\n\"1\": string\n").first?.mapping)
        #expect(root.pairs.count == 2)
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() throws {
        let depth = YAMLReader.maximumDepth + 1
        let yaml = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: YAMLError(mark: YAMLMark(line: 1, column: depth), problem: "collections nested more than \(YAMLReader.maximumDepth) deep")) {
            try YAMLReader.documents(in: yaml)
        }
        let allowed = String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
        #expect(try YAMLReader.documents(in: allowed).count == 1)
    }

    @Test func errorsNeverQuoteTheInput() {
        let secret = "hunter2-access-secret"
        for yaml in ["eni_conf: {access_secret: \(secret)\n", "a: \(secret): x\n", "\(secret): [\n"] {
            #expect {
                try YAMLReader.documents(in: yaml)
            } throws: { error in
                !String(describing: error).contains(secret)
            }
        }
    }
}
