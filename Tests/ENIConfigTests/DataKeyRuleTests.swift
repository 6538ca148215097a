import ENIConfig
import Testing

@Suite struct DataKeyRuleTests {
    @Test func theSeedHasNoDataKeyFindings() {
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: Seed.portmapConflist))
        #expect(evaluation.diagnostics.isEmpty)
    }

    @Test func ourKeyInBinaryDataIsAnErrorThatSaysMoveIt() {
        let evaluation = evaluate(ConfigMapData(
            conf: nil, conflist: Seed.portmapConflist, ourKeysInBinaryData: [ConfigMapData.confKey]))
        expectSingle(
            evaluation, .keyInBinaryData, key: ConfigMapData.confKey, path: nil, at: "-",
            message: #""10-terway.conf" is in binaryData, which the agent does not read; move it to data as plain JSON text"#)
        #expect(evaluation.findings(.confMissing).isEmpty, "the binaryData error already explains the absence")
    }

    @Test func bothKeysInBinaryDataAreReportedInKeyOrder() {
        let evaluation = evaluate(ConfigMapData(
            conf: nil, conflist: nil, ourKeysInBinaryData: [ConfigMapData.conflistKey, ConfigMapData.confKey]))
        #expect(evaluation.findings(.keyInBinaryData).map(\.key) == [ConfigMapData.confKey, ConfigMapData.conflistKey])
        #expect(!evaluation.isValid)
    }

    @Test func missingConfIsAnErrorThatPointsAtPluginsZero() {
        let evaluation = evaluate(ConfigMapData(conf: nil, conflist: Seed.portmapConflist))
        expectSingle(
            evaluation, .confMissing, key: ConfigMapData.confKey, path: nil, at: "-",
            message: #""10-terway.conf" is missing from data; add it with the terway plugin configuration (the same JSON as plugins[0] of 10-terway.conflist), e.g. {"cniVersion": "0.4.0", "name": "terway", "type": "terway"}"#)
    }

    @Test func missingConfWithoutConflistGivesTheBareExample() {
        let evaluation = evaluate(ConfigMapData(conf: nil, conflist: nil))
        expectSingle(
            evaluation, .confMissing, key: ConfigMapData.confKey, path: nil, at: "-",
            message: #""10-terway.conf" is missing from data; add it with the terway plugin configuration, e.g. {"cniVersion": "0.4.0", "name": "terway", "type": "terway"}"#)
    }

    @Test func syntaxErrorIsOneErrorAtTheParsersPlace() throws {
        let text = "{\n  \"type\": \"terway\",\n  \"cniVersion\": \"0.4.0\",\n}\n"
        let parserError = try #require(parseError(text))
        let evaluation = evaluate(ConfigMapData(conf: text, conflist: nil))
        expectSingle(
            evaluation, .jsonSyntax, key: ConfigMapData.confKey, path: nil, at: "3:24",
            message: "invalid JSON: \(parserError.message)")
        #expect(evaluation.diagnostics.count == 1)
    }

    @Test func syntaxErrorsInBothKeysAreBothReported() {
        let evaluation = evaluate(ConfigMapData(conf: #"{"type": "terway" "#, conflist: "{'plugins': []}"))
        #expect(evaluation.findings(.jsonSyntax).map(\.key) == [ConfigMapData.confKey, ConfigMapData.conflistKey])
        #expect(evaluation.findings(.jsonSyntax).map(\.place) == ["1:19", "1:2"])
    }

    @Test func aDocumentThatIsNotAnObjectSaysWhatItFound() {
        let evaluation = evaluate(ConfigMapData(conf: #"["terway"]"#, conflist: nil))
        expectSingle(
            evaluation, .notObject, key: ConfigMapData.confKey, path: "$", at: "1:1",
            message: #"10-terway.conf must be a JSON object like {"cniVersion": "0.4.0", "name": "terway", "type": "terway"}, found an array"#)
    }

    private func parseError(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }
}
