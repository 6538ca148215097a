import ENIConfig
import PropertyBased
import Testing

@Suite struct RenderPropertyTests {
    @Test func randomValidChainsAreValidAndRenderTheSameHoweverWritten() async {
        await propertyCheck(count: 200, input: ValidConfigMap.generator) { configMap in
            let evaluation = evaluate(configMap.data)
            #expect(!evaluation.diagnostics.hasErrors, "\(evaluation.diagnostics)\n\(configMap)")
            guard let rendered = evaluation.conflist else { return }
            #expect(evaluate(configMap.data) == evaluation, "deterministic")
            var rng = SystemRandomNumberGenerator()
            let restyled = configMap.restyled(using: &rng)
            #expect(evaluate(restyled.data).conflist == rendered, "formatting and key order must not matter\n\(restyled)")
            let expectedTypes = (configMap.list?["plugins"]).flatMap(pluginTypes) ?? ["terway"]
            #expect(rendered.pluginTypes == expectedTypes)
        }
    }

    @Test func renderingTheRenderGivesTheSameBytes() async throws {
        await propertyCheck(count: 200, input: ValidConfigMap.generator) { configMap in
            guard let rendered = evaluate(configMap.data).conflist else {
                Issue.record("a valid ConfigMap did not render: \(configMap)")
                return
            }
            let again = evaluate(try reappliedConfigMap(rendered))
            #expect(!again.diagnostics.hasErrors, "\(again.diagnostics)")
            #expect(again.conflist?.bytes == rendered.bytes)
            #expect(again.conflist?.sha256 == rendered.sha256)
        }
    }

    @Test func everyRenderParsesAndHasTheContractsShape() async throws {
        await propertyCheck(count: 200, input: ValidConfigMap.generator) { configMap in
            guard let rendered = evaluate(configMap.data).conflist else {
                Issue.record("a valid ConfigMap did not render: \(configMap)")
                return
            }
            let root = try JSONParser.parse(rendered.bytes)
            let top = try #require(root.value.objectValue)
            #expect(Set(top.keys).isSubset(of: ["cniVersion", "name", "plugins", "disableCheck", "disableGC"]))
            #expect(top["name"]?.value.stringValue == "terway-chainer")
            #expect(top["cniVersion"]?.value.stringValue == configMap.conf["cniVersion"].flatMap(stringValue))
            let plugins = try #require(top["plugins"]?.value.arrayValue)
            #expect(plugins.allSatisfy { $0.value.objectValue?["name"] == nil && $0.value.objectValue?["cniVersion"] == nil })
            #expect(rendered.text.hasSuffix("}\n"))
            #expect(CanonicalJSON.bytes(root.value) == rendered.bytes, "the render is already canonical")
        }
    }
}

/// The ConfigMap an operator gets by pasting a render back: the render as the conflist, and
/// its `plugins[0]` (with the list's `cniVersion`, which it needs) as `10-terway.conf`.
func reappliedConfigMap(_ rendered: RenderedConflist) throws -> ConfigMapData {
    let root = try JSONParser.parse(rendered.bytes)
    let top = try #require(root.value.objectValue)
    let first = try #require(top["plugins"]?.value.arrayValue?.first?.value.objectValue)
    let version = try #require(top.member("cniVersion"))
    let conf = JSONValue.object(JSONObject(members: first.members + [version]))
    return ConfigMapData(conf: String(decoding: CanonicalJSON.bytes(conf), as: UTF8.self), conflist: rendered.text)
}

private func pluginTypes(_ plugins: TestJSON) -> [String]? {
    guard case .array(let items) = plugins else { return nil }
    return items.compactMap { $0["type"].flatMap(stringValue) }
}

private func stringValue(_ value: TestJSON) -> String? {
    if case .string(let text) = value { return text }
    return nil
}
