import ENIConfig
import Testing

@Suite struct ConflistRuleTests {
    /// A conflist whose top level has `members` before the usual plugins.
    private func list(_ members: String) -> String {
        #"{\#(members), "plugins": [\#(terwayPlugin)]}"#
    }

    private func evaluateList(_ text: String) -> Evaluation {
        evaluate(ConfigMapData(conf: terwayPlugin, conflist: text))
    }

    @Test func theSeedConflistsAreValid() {
        for text in [Seed.portmapConflist, Seed.tuningConflist] {
            let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: text))
            #expect(evaluation.diagnostics.isEmpty)
            #expect(evaluation.isValid)
        }
    }

    @Test func aConflistThatIsNotAnObject() {
        expectSingle(
            evaluateList(#"  "plugins""#), .notObject, path: "$", at: "1:3",
            message: #"10-terway.conflist must be a JSON object like {"plugins": [{"type": "terway", ...}, ...]}, found a string"#)
    }

    @Test func nameMustMatchLibcnisPattern() {
        let text = list(#""name": "my net""#)
        expectSingle(
            evaluateList(text), .listName, path: "name", at: position(of: #""my net""#, in: text),
            message: #"the network "name" must be a string of letters, digits, "_", "." and "-" that starts with a letter or digit (^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$), found "my net""#)
    }

    @Test func nameMayNotStartWithPunctuation() {
        #expect(evaluateList(list(#""name": "-net""#)).findings(.listName).count == 1)
        #expect(evaluateList(list(#""name": 7"#)).findings(.listName).count == 1)
    }

    @Test func theRenderedNameIsAcceptedSilently() {
        let evaluation = evaluateList(list(#""name": "terway-chainer""#))
        #expect(evaluation.diagnostics.isEmpty)
    }

    @Test func anotherValidNameIsReplacedWithAWarning() {
        let text = list(#""name": "my_net.v1-2""#)
        expectSingle(
            evaluateList(text), .listValueReplaced, severity: .warning, path: "name", at: position(of: #""my_net"#, in: text),
            message: #"the node file names the network "terway-chainer", not "my_net.v1-2"; remove "name" or set it to "terway-chainer""#)
    }

    @Test func listCNIVersionMustBeKnown() {
        let text = list(#""cniVersion": "0.4""#)
        expectSingle(
            evaluateList(text), .cniVersion, path: "cniVersion", at: position(of: #""0.4""#, in: text),
            message: #""cniVersion" must be one of "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", found "0.4""#)
    }

    @Test func aDifferentListCNIVersionIsReplacedWithAWarning() {
        let text = list(#""cniVersion": "1.0.0""#)
        let evaluation = evaluateList(text)
        expectSingle(
            evaluation, .listValueReplaced, severity: .warning, path: "cniVersion", at: position(of: #""1.0.0""#, in: text),
            message: #"the node file's "cniVersion" is always "0.4.0" (Terway sets it), not "1.0.0"; remove it here or set it to "0.4.0""#)
        #expect(evaluate(ConfigMapData(conf: terwayPlugin, conflist: text), on: vethNode).conflist?.text.contains(#""cniVersion": "0.4.0""#) == true)
    }

    @Test func theSameListCNIVersionIsAcceptedSilently() {
        #expect(evaluateList(list(#""cniVersion": "0.4.0""#)).diagnostics.isEmpty)
    }

    @Test func disableFlagsAreDroppedLikeEveryOtherTopLevelKey() {
        let text = list(#""disableCheck": true, "disableGC": "yes""#)
        let evaluation = evaluateList(text)
        #expect(evaluation.findings(.listKeyDropped).map(\.path) == ["disableCheck", "disableGC"])
        #expect(evaluation.isValid)
        let rendered = evaluate(ConfigMapData(conf: terwayPlugin, conflist: text), on: vethNode).conflist
        #expect(rendered?.text.contains("disable") == false)
    }

    @Test func pluginsIsRequired() {
        let text = #"{"name": "terway-chainer"}"#
        expectSingle(
            evaluateList(text), .listPlugins, path: "$", at: "1:1",
            message: #""plugins" is missing; list the plugins, the terway plugin of 10-terway.conf first, then the chained ones"#)
    }

    @Test func pluginsMustBeAnArray() {
        let text = #"{"plugins": {"type": "terway"}}"#
        expectSingle(
            evaluateList(text), .listPlugins, path: "plugins", at: "1:13",
            message: #""plugins" must be an array of plugin objects, the terway plugin first, found an object"#)
    }

    @Test func pluginsMustNotBeEmpty() {
        let text = #"{"plugins": []}"#
        expectSingle(
            evaluateList(text), .listPlugins, path: "plugins", at: "1:13",
            message: #""plugins" is empty; list the terway plugin of 10-terway.conf first, then the chained plugins"#)
    }

    @Test func everyPluginMustBeAnObject() {
        let text = conflist([#""portmap""#])
        expectSingle(
            evaluateList(text), .pluginNotObject, path: "plugins[1]", at: position(of: #""portmap""#, in: text),
            message: #"each plugin must be an object like {"type": "portmap", ...}, found "portmap""#)
    }

    @Test func otherTopLevelKeysAreDroppedWithAWarning() {
        let text = list(#""runtimeConfig": {"portMappings": []}"#)
        let evaluation = evaluateList(text)
        expectSingle(
            evaluation, .listKeyDropped, severity: .warning, path: "runtimeConfig", at: position(of: #""runtimeConfig""#, in: text),
            message: #""runtimeConfig" is not carried into the node file (Terway keeps only "plugins" of the top-level keys); remove it"#)
        #expect(evaluate(ConfigMapData(conf: terwayPlugin, conflist: text), on: vethNode).conflist?.text.contains("runtimeConfig") == false)
    }
}
