import ENIConfig
import PropertyBased
import Testing

@Suite struct RenderPropertyTests {
    @Test func randomValidChainsAreValidAndRenderTheSameHoweverWritten() async {
        await propertyCheck(count: 200, input: ValidConfigMap.generator) { configMap in
            let evaluation = evaluate(configMap.data, on: vethNode)
            #expect(!evaluation.diagnostics.hasErrors, "\(evaluation.diagnostics)\n\(configMap)")
            guard let rendered = evaluation.conflist else { return }
            #expect(evaluate(configMap.data, on: vethNode) == evaluation, "deterministic")
            var rng = SystemRandomNumberGenerator()
            let restyled = configMap.restyled(using: &rng)
            #expect(evaluate(restyled.data, on: vethNode).conflist == rendered, "formatting and key order must not matter\n\(restyled)")
            let expectedTypes = (configMap.list?["plugins"]).flatMap(pluginTypes) ?? ["terway"]
            // Terway appends cilium-cni where its datapath needs the chainer and none is listed.
            let appended = rendered.pluginTypes.count > expectedTypes.count ? ["cilium-cni"] : []
            #expect(rendered.pluginTypes == expectedTypes + appended)
        }
    }

    /// Terway's render is a fixed point, but for one thing: a cilium-cni entry it appended
    /// (`data-path`) is a listed one the next time, and Terway gives listed ones `datapath` too.
    @Test func renderingTheRenderGivesTheSameBytes() async throws {
        await propertyCheck(count: 200, input: ValidConfigMap.generator) { configMap in
            guard let rendered = evaluate(configMap.data, on: vethNode).conflist else {
                Issue.record("a valid ConfigMap did not render: \(configMap)")
                return
            }
            let again = try #require(evaluate(try reappliedConfigMap(rendered), on: vethNode).conflist)
            var expected = try JSONParser.parse(rendered.bytes).value
            expected.giveAppendedCiliumEntriesTheirDatapath()
            #expect(again.bytes == GoJSON.marshalIndent(expected))
        }
    }

    @Test func everyRenderParsesAndHasTheContractsShape() async throws {
        await propertyCheck(count: 200, input: ValidConfigMap.generator) { configMap in
            guard let rendered = evaluate(configMap.data, on: vethNode).conflist else {
                Issue.record("a valid ConfigMap did not render: \(configMap)")
                return
            }
            let root = try JSONParser.parse(rendered.bytes)
            let top = try #require(root.value.objectValue)
            #expect(top.keys.sorted() == ["cniVersion", "name", "plugins"])
            #expect(top["name"]?.value.stringValue == "terway-chainer")
            #expect(top["cniVersion"]?.value.stringValue == "0.4.0")
            let plugins = try #require(top["plugins"]?.value.arrayValue)
            #expect(plugins.allSatisfy { $0.value.objectValue?["name"] == nil && $0.value.objectValue?["cniVersion"] == nil })
            #expect(rendered.text.hasSuffix("}"))
            #expect(GoJSON.marshalIndent(root.value) == rendered.bytes, "the render is Go's own form already")
        }
    }
}

/// The ConfigMap an operator gets by pasting a render back: the render as the conflist, and
/// its `plugins[0]` (with the list's `cniVersion`, which a conf needs) as `10-terway.conf`.
func reappliedConfigMap(_ rendered: RenderedConflist) throws -> ConfigMapData {
    let root = try JSONParser.parse(rendered.bytes)
    let top = try #require(root.value.objectValue)
    let first = try #require(top["plugins"]?.value.arrayValue?.first?.value.objectValue)
    let version = try #require(top.member("cniVersion"))
    let conf = JSONValue.object(JSONObject(members: first.members + [version]))
    return ConfigMapData(conf: String(decoding: GoJSON.marshalIndent(conf), as: UTF8.self), conflist: rendered.text)
}

private func pluginTypes(_ plugins: TestJSON) -> [String]? {
    guard case .array(let items) = plugins else { return nil }
    return items.compactMap { $0["type"].flatMap(stringValue) }
}

private func stringValue(_ value: TestJSON) -> String? {
    if case .string(let text) = value { return text }
    return nil
}

extension JSONValue {
    /// What Terway sets on a listed cilium-cni entry: `datapath`, the same as its `data-path`.
    mutating func giveAppendedCiliumEntriesTheirDatapath() {
        guard case .object(var top) = self, let index = top.members.firstIndex(where: { $0.key == "plugins" }),
            case .array(var plugins) = top.members[index].value.value
        else { return }
        for position in plugins.indices {
            guard case .object(var plugin) = plugins[position].value, plugin["type"]?.value.stringValue == "cilium-cni",
                let dataPath = plugin["data-path"]
            else { continue }
            plugin.members.append(JSONObject.Member(key: "datapath", keyPosition: dataPath.position, value: dataPath))
            plugins[position].value = .object(plugin)
        }
        top.members[index].value.value = .array(plugins)
        self = .object(top)
    }
}
