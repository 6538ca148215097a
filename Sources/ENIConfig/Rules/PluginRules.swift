/// One plugin of the chain the node file will carry, and where the operator wrote it.
struct PluginSite {
    let key: String
    let path: JSONPath
    let node: JSONNode
    let object: JSONObject

    var type: String? { object["type"]?.value.stringValue }

    /// The conflist's plugin objects (elements that are not objects have their own error).
    static func all(in list: ParsedDocument) -> [PluginSite] {
        guard let plugins = list.object?["plugins"]?.value.arrayValue else { return [] }
        let base = JSONPath.root.appending("plugins")
        return plugins.enumerated().compactMap { index, node in
            node.value.objectValue.map { PluginSite(key: list.key, path: base.appending(index), node: node, object: $0) }
        }
    }

    /// Without a conflist key the chain is the terway plugin of `10-terway.conf` alone.
    static func alone(_ conf: ParsedDocument) -> [PluginSite] {
        conf.object.map { [PluginSite(key: conf.key, path: .root, node: conf.root, object: $0)] } ?? []
    }

    func diagnostic(_ severity: Diagnostic.Severity, _ rule: RuleID, _ message: String) -> Diagnostic {
        Diagnostic(severity, rule, key: key, path: path, at: node.position, message)
    }
}

/// The plugin `type` names the binary the runtime executes from the CNI bin directory.
/// (`10-terway.conf` has its own, stricter rule: its type must be "terway".)
func pluginTypeDiagnostics(_ plugin: PluginSite) -> [Diagnostic] {
    guard let member = plugin.object.member("type") else {
        return [plugin.diagnostic(
            .error, .pluginType,
            "\"type\" is missing; set it to the file name of the plugin's binary in the CNI bin directory, e.g. \"portmap\"")]
    }
    let problem: String? = switch member.value.value.stringValue {
    case nil, ""?: "must be the file name of the plugin's binary in the CNI bin directory, e.g. \"portmap\""
    case let type?: plainFileNameProblem(type)
    }
    guard let problem else { return [] }
    return [Diagnostic(
        .error, .pluginType, key: plugin.key, path: plugin.path.appending("type"), at: member.value.position,
        "\"type\" \(problem), found \(member.value.value.compactDescription)")]
}

/// Why `name` cannot be the plain file name the runtime joins to a directory (the CNI bin
/// directory for a plugin or IPAM type, /proc/sys for a sysctl); nil when it can. A NUL is the
/// dangerous one: the binary check's stat() stops at it and finds "portmap" for "portmap\u0000x",
/// while libcni refuses the name at every pod ADD. No binary is named with control characters,
/// so those go with it.
func plainFileNameProblem(_ name: String, separators: Bool = true) -> String? {
    if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
        return "must not contain NUL or other control characters (U+0000–U+001F, U+007F–U+009F)"
    }
    if separators, name.contains("/") || name.contains("\\") {
        return #"must be a plain file name in the CNI bin directory, without "/" or "\""#
    }
    return nil
}

/// Everything but the type's name: the fields libcni decodes for every plugin, keys only the
/// runtime may set, and the rules of the chained plugins we know. Unknown types get the
/// generic checks only.
func pluginDiagnostics(_ plugin: PluginSite, terwayShapesBandwidth: Bool) -> [Diagnostic] {
    let specific: [Diagnostic] = switch plugin.type {
    case "portmap": portmapDiagnostics(plugin)
    case "tuning": tuningDiagnostics(plugin)
    case "bandwidth": bandwidthDiagnostics(plugin, terwayShapesBandwidth: terwayShapesBandwidth)
    default: []
    }
    return shapeDiagnostics(libcniPluginFields, in: plugin, rule: .pluginField) + ipamTypeDiagnostics(plugin)
        + runtimeKeyDiagnostics(plugin) + specific
}

/// The plugin execs its IPAM plugin from the CNI bin directory by `ipam.type`, as the runtime
/// execs the plugin itself (its shape is checked with libcni's fields).
private func ipamTypeDiagnostics(_ plugin: PluginSite) -> [Diagnostic] {
    guard let type = plugin.object["ipam"]?.value.objectValue?.member("type"),
        let name = type.value.value.stringValue, let problem = plainFileNameProblem(name)
    else { return [] }
    return [Diagnostic(
        .error, .ipamType, key: plugin.key, path: plugin.path.appending("ipam").appending("type"), at: type.value.position,
        "\"ipam.type\" \(problem), found \(type.value.value.compactDescription)")]
}

/// libcni's `PluginConf`: a runtime that cannot decode these rejects the whole list.
private let libcniPluginFields: FieldShapes = [
    ("capabilities", .map(of: .boolean)),
    ("ipam", .object([("type", .string)])),
    ("dns", .object([
        ("nameservers", .array(of: .string)), ("domain", .string),
        ("search", .array(of: .string)), ("options", .array(of: .string)),
    ])),
]

/// The runtime fills these in for each call; a value written in the file is at best
/// overwritten and at worst read by the plugin as if the runtime had sent it.
private func runtimeKeyDiagnostics(_ plugin: PluginSite) -> [Diagnostic] {
    plugin.object.members.compactMap { member in
        guard ["args", "runtimeConfig", "prevResult"].contains(member.key) || member.key.hasPrefix("cni.dev/") else { return nil }
        return Diagnostic(
            .warning, .runtimeKey, key: plugin.key, path: plugin.path.appending(member.key), at: member.keyPosition,
            "\"\(member.key)\" is filled in by the container runtime for each pod, not by the configuration; remove it")
    }
}
