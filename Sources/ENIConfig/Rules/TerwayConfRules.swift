/// `10-terway.conf`: the terway plugin itself. Terway's own configuration is its business;
/// we check what the render and the runtime rely on: an object, `"type": "terway"`, a known
/// `cniVersion`, and the fields Terway's renderer reads on every node.
func terwayConfDiagnostics(_ conf: ParsedDocument) -> [Diagnostic] {
    if let notObject = conf.notObjectDiagnostic(shape: #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway"}"#) {
        return [notObject]
    }
    guard let object = conf.object else { return [] }
    var diagnostics: [Diagnostic] = []

    if let type = object.member("type") {
        if type.value.value.stringValue != "terway" {
            diagnostics.append(Diagnostic(
                .error, .confType, key: conf.key, path: .root.appending("type"), at: type.value.position,
                "\"type\" must be \"terway\", found \(type.value.value.compactDescription)"))
        }
    } else {
        diagnostics.append(Diagnostic(
            .error, .confType, key: conf.key, path: .root, at: conf.root.position,
            "\"type\" is missing; \(conf.key) must set \"type\": \"terway\""))
    }

    if let version = object.member("cniVersion") {
        diagnostics += [cniVersionDiagnostic(version, key: conf.key, path: .root.appending("cniVersion"))].compactMap { $0 }
    } else {
        diagnostics.append(Diagnostic(
            .error, .cniVersion, key: conf.key, path: .root, at: conf.root.position,
            "\"cniVersion\" is missing; set it to one of \(knownCNIVersionList) (the node file always says \"\(TerwayRender.cniVersion)\", as Terway writes it)"))
    }
    return diagnostics + renderedFieldDiagnostics(object, key: conf.key)
}

/// The fields `mergeConfigList` reads on every node: a value it fails on is an error here,
/// so the edit is refused before any node meets it.
private func renderedFieldDiagnostics(_ object: JSONObject, key: String) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    if let provider = object["network_policy_provider"], provider.value.stringValue == nil {
        diagnostics.append(Diagnostic(
            .error, .terwayField, key: key, path: .root.appending("network_policy_provider"), at: provider.position,
            "\"network_policy_provider\" must be the string \"iptables\" or \"ebpf\", found \(provider.value.compactDescription); Terway's init fails on anything else"))
    }
    if let virtualType = object["eniip_virtual_type"] {
        let path = JSONPath.root.appending("eniip_virtual_type")
        if let text = virtualType.value.stringValue {
            if !["veth", "ipvlan", "datapathv2", ""].contains(goASCIILowercased(text)) {
                diagnostics.append(Diagnostic(
                    .error, .terwayField, key: key, path: path, at: virtualType.position,
                    "\"eniip_virtual_type\" must be \"veth\", \"ipvlan\" or \"datapathv2\", found \(virtualType.value.compactDescription); Terway's init fails on anything else (\"invalid datapath\")"))
            }
        } else {
            diagnostics.append(Diagnostic(
                .warning, .terwayField, key: key, path: path, at: virtualType.position,
                "\"eniip_virtual_type\" is \(virtualType.value.kindName), which Terway ignores and renders as \"veth\"; write \"veth\", \"ipvlan\" or \"datapathv2\""))
        }
    }
    return diagnostics
}
