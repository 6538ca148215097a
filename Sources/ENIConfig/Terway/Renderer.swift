/// The network name Terway has always written; runtimes key per-network state (IPAM
/// allocations, GC) by it, so every node must keep it.
public let renderedNetworkName = "terway-chainer"

/// The node file for a valid chain (docs/terway-render.md): the terway plugin's `cniVersion`, the
/// name `terway-chainer`, the plugins in order without their own `name` and `cniVersion`
/// (the runtime overwrites those with the list's), and the list's `disableCheck` /
/// `disableGC` when set. `CanonicalJSON` sorts keys and keeps numbers as written, so the
/// bytes depend on the configuration only, never on how it was formatted. `sizeHint`: see
/// `CanonicalJSON.bytes`.
func renderConflist(cniVersion: JSONNode, plugins: [JSONObject], list: JSONObject?, sizeHint: Int) -> RenderedConflist {
    let renderedPlugins = plugins.map { plugin in
        rendered(.object(JSONObject(members: plugin.members.filter { $0.key != "name" && $0.key != "cniVersion" })))
    }
    let flags = ["disableCheck", "disableGC"].compactMap { list?.member($0) }
    let document = JSONObject(members: [
        member("cniVersion", cniVersion),
        member("name", rendered(.string(renderedNetworkName))),
        member("plugins", rendered(.array(renderedPlugins))),
    ] + flags)
    return RenderedConflist(
        bytes: CanonicalJSON.bytes(.object(document), sizeHint: sizeHint),
        pluginTypes: plugins.map { $0["type"]?.value.stringValue ?? "" })
}

/// Values made by the render stand nowhere in any source text; the writer ignores positions.
private let nowhere = SourcePosition(line: 1, column: 1, offset: 0)

private func rendered(_ value: JSONValue) -> JSONNode { JSONNode(value, at: nowhere) }

private func member(_ key: String, _ value: JSONNode) -> JSONObject.Member {
    JSONObject.Member(key: key, keyPosition: nowhere, value: value)
}
