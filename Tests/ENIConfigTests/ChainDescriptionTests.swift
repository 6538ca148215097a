import ENIConfig
import Testing

@Suite struct ChainDescriptionTests {
    @Test func shortChainsAreShownWhole() {
        #expect(RenderedConflist(bytes: [], pluginTypes: ["terway", "portmap"]).chainDescription == "terway → portmap")
    }

    @Test func longChainsAreCutAfterFivePluginsWithTheirLength() {
        let types = ["terway"] + Array(repeating: "tuning", count: 941)
        #expect(RenderedConflist(bytes: [], pluginTypes: types).chainDescription
            == "terway → tuning → tuning → tuning → tuning → … (942 plugins)")
        #expect(RenderedConflist(bytes: [], pluginTypes: Array(types.prefix(5))).chainDescription
            == "terway → tuning → tuning → tuning → tuning")
    }
}
