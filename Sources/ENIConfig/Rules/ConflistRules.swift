/// The top level of `10-terway.conflist`: what libcni's `NetworkConfFromBytes` requires,
/// and what Terway's render does with each key (it keeps only `plugins` and sets `name` and
/// `cniVersion` itself). Each plugin is checked by `PluginRules`.
func conflistDiagnostics(_ list: ParsedDocument) -> [Diagnostic] {
    if let notObject = list.notObjectDiagnostic(shape: #"{"plugins": [{"type": "terway", ...}, ...]}"#) {
        return [notObject]
    }
    guard let object = list.object else { return [] }
    var diagnostics: [Diagnostic] = []
    for member in object.members {
        let site = ListMember(key: list.key, member: member)
        switch member.key {
        case "name": diagnostics += listNameDiagnostics(site)
        case "cniVersion": diagnostics += listVersionDiagnostics(site)
        case "plugins": diagnostics += pluginsDiagnostics(site)
        default:
            diagnostics.append(site.diagnostic(
                .warning, .listKeyDropped, atKey: true,
                "\"\(member.key)\" is not carried into the node file (Terway keeps only \"plugins\" of the top-level keys); remove it"))
        }
    }
    if object.member("plugins") == nil {
        diagnostics.append(Diagnostic(
            .error, .listPlugins, key: list.key, path: .root, at: list.root.position,
            "\"plugins\" is missing; list the plugins, the terway plugin of \(ConfigMapData.confKey) first, then the chained ones"))
    }
    return diagnostics
}

/// A top-level member of the conflist, with what every finding about it needs.
private struct ListMember {
    let key: String
    let member: JSONObject.Member

    var path: JSONPath { JSONPath.root.appending(member.key) }
    var value: JSONValue { member.value.value }

    func diagnostic(_ severity: Diagnostic.Severity, _ rule: RuleID, atKey: Bool = false, _ message: String) -> Diagnostic {
        Diagnostic(severity, rule, key: key, path: path, at: atKey ? member.keyPosition : member.value.position, message)
    }
}

private func listNameDiagnostics(_ site: ListMember) -> [Diagnostic] {
    guard let name = site.value.stringValue, isValidNetworkName(name) else {
        return [site.diagnostic(
            .error, .listName,
            #"the network "name" must be a string of letters, digits, "_", "." and "-" that starts with a letter or digit (^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$), found "# + site.value.compactDescription)]
    }
    guard name != renderedNetworkName else { return [] }
    return [site.diagnostic(
        .warning, .listValueReplaced,
        "the node file names the network \"\(renderedNetworkName)\", not \"\(name)\"; remove \"name\" or set it to \"\(renderedNetworkName)\"")]
}

/// libcni checks the name only at pod ADD, so a bad name loads and then every pod fails.
private func isValidNetworkName(_ name: String) -> Bool {
    func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
    guard let first = name.unicodeScalars.first, isASCIIAlphanumeric(first) else { return false }
    return name.unicodeScalars.dropFirst().allSatisfy { isASCIIAlphanumeric($0) || "_.-".unicodeScalars.contains($0) }
}

private func listVersionDiagnostics(_ site: ListMember) -> [Diagnostic] {
    if let unknown = cniVersionDiagnostic(site.member, key: site.key, path: site.path) { return [unknown] }
    guard let version = site.value.stringValue, version != TerwayRender.cniVersion else { return [] }
    return [site.diagnostic(
        .warning, .listValueReplaced,
        "the node file's \"cniVersion\" is always \"\(TerwayRender.cniVersion)\" (Terway sets it), not \"\(version)\"; remove it here or set it to \"\(TerwayRender.cniVersion)\"")]
}

private func pluginsDiagnostics(_ site: ListMember) -> [Diagnostic] {
    guard let plugins = site.value.arrayValue else {
        return [site.diagnostic(
            .error, .listPlugins,
            "\"plugins\" must be an array of plugin objects, the terway plugin first, found \(site.value.kindName)")]
    }
    guard !plugins.isEmpty else {
        return [site.diagnostic(
            .error, .listPlugins,
            "\"plugins\" is empty; list the terway plugin of \(ConfigMapData.confKey) first, then the chained plugins")]
    }
    return plugins.enumerated().compactMap { index, plugin in
        guard plugin.value.objectValue == nil else { return nil }
        return Diagnostic(
            .error, .pluginNotObject, key: site.key, path: site.path.appending(index), at: plugin.position,
            #"each plugin must be an object like {"type": "portmap", ...}, found "# + plugin.value.compactDescription)
    }
}
