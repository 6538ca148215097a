import ENIConfig
import Testing

@Suite struct JSONPathTests {
    @Test func rootIsDollar() {
        #expect(JSONPath.root.description == "$")
    }

    @Test func identifiersAreDottedAndOthersQuoted() {
        let path = JSONPath([.key("plugins"), .index(1), .key("sysctl"), .key("net.ipv6.conf.all.disable_ipv6")])
        #expect(path.description == #"plugins[1].sysctl["net.ipv6.conf.all.disable_ipv6"]"#)
    }

    @Test func quotesAndBackslashesInKeysAreEscaped() {
        #expect(JSONPath([.key(#"a"b\c"#)]).description == #"["a\"b\\c"]"#)
    }
}
