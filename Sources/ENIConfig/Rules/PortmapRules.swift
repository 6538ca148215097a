/// portmap (containernetworking/plugins `plugins/meta/portmap`), as its `parseConfig` reads it.
/// `capabilities.portMappings` is a boolean like every capability (see `libcniPluginFields`).
func portmapDiagnostics(_ plugin: PluginSite) -> [Diagnostic] {
    shapeDiagnostics(portmapFields, in: plugin, rule: .portmapField) + [markConflictDiagnostic(plugin)].compactMap { $0 }
}

private let portmapFields: FieldShapes = [
    ("snat", .boolean),
    ("masqAll", .boolean),
    ("markMasqBit", .integer(0...31, described: "an integer from 0 to 31")),
    ("externalSetMarkChain", .string),
    ("conditionsV4", .array(of: .string)),
    ("conditionsV6", .array(of: .string)),
]

/// portmap refuses both at once: either it marks packets for masquerade itself (with
/// `markMasqBit`) or it jumps to a chain that does (`externalSetMarkChain`, e.g. kube-proxy's).
private func markConflictDiagnostic(_ plugin: PluginSite) -> Diagnostic? {
    guard let chain = plugin.object.member("externalSetMarkChain"), chain.value.value != .null,
          let bit = plugin.object.member("markMasqBit"), bit.value.value != .null
    else { return nil }
    let later = max(chain.keyPosition, bit.keyPosition)
    return Diagnostic(
        .error, .portmapMarkConflict, key: plugin.key, path: plugin.path, at: later,
        "\"externalSetMarkChain\" and \"markMasqBit\" cannot both be set; keep \"externalSetMarkChain\" to use an existing masquerade chain (e.g. \"KUBE-MARK-MASQ\"), or \"markMasqBit\" to have portmap mark packets itself")
}
