/// `10-terway.conf`: the terway plugin itself. Terway's own configuration is its business;
/// we check what the render and the runtime rely on: an object, `"type": "terway"`, and a
/// known `cniVersion` (the node file's `cniVersion` is taken from here).
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
            "\"cniVersion\" is missing; set it to one of \(knownCNIVersionList) (the node file takes its cniVersion from here)"))
    }
    return diagnostics
}
