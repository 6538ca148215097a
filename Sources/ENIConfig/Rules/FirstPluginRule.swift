/// `plugins[0]` of the conflist must be the configuration of `10-terway.conf`. Terway uses
/// the conflist instead of the conf and never compares them, so a stale copy silently hides
/// every later change to `10-terway.conf`. Equal means equal as JSON values (key order and
/// white space do not matter, numbers compare by value), except that `plugins[0]` may leave
/// out `name` and `cniVersion`, which the runtime overwrites with the list's anyway.
func firstPluginDiagnostics(list: ParsedDocument, conf: ParsedDocument) -> [Diagnostic] {
    guard conf.object != nil,
          let first = list.object?["plugins"]?.value.arrayValue?.first,
          first.value.objectValue != nil
    else { return [] }
    let base = JSONPath.root.appending("plugins").appending(0)
    let omissible: Set<JSONPath> = [base.appending("name"), base.appending("cniVersion")]

    return first.differences(from: conf.root, at: base).compactMap { difference in
        if difference.here == nil, omissible.contains(difference.path) { return nil }
        let relative = difference.path.components.dropFirst(base.components.count)
        return Diagnostic(
            .error, .firstPluginMismatch, key: list.key, path: difference.path,
            at: difference.here?.position ?? nearestNode(along: relative, from: first).position,
            "\(difference.here.quoted ?? "missing") here, \(difference.there.quoted ?? "absent") in \(conf.key)")
    }
}

/// Where to point when a value is missing from `plugins[0]`: the deepest value on its path that exists.
private func nearestNode(along components: ArraySlice<JSONPath.Component>, from start: JSONNode) -> JSONNode {
    var node = start
    for component in components {
        switch (component, node.value) {
        case (.key(let key), .object(let object)):
            guard let next = object[key] else { return node }
            node = next
        case (.index(let index), .array(let items)) where items.indices.contains(index):
            node = items[index]
        default:
            return node
        }
    }
    return node
}

extension Optional where Wrapped == JSONNode {
    fileprivate var quoted: String? { self?.value.compactDescription }
}
