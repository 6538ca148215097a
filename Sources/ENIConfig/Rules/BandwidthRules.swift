/// bandwidth (containernetworking/plugins `plugins/meta/bandwidth`), as its `parseConfig` reads it.
func bandwidthDiagnostics(_ plugin: PluginSite, terwayShapesBandwidth: Bool) -> [Diagnostic] {
    var diagnostics = shapeDiagnostics(bandwidthFields, in: plugin, rule: .bandwidthField)
    for direction in ["ingress", "egress"] {
        diagnostics += [rateBurstDiagnostic(plugin, rate: direction + "Rate", burst: direction + "Burst")].compactMap { $0 }
    }
    if terwayShapesBandwidth {
        diagnostics.append(plugin.diagnostic(
            .warning, .bandwidthTwice,
            "terway already shapes bandwidth (capabilities.bandwidth is true in \(ConfigMapData.confKey)), so this plugin shapes traffic a second time; remove it, or set capabilities.bandwidth to false in \(ConfigMapData.confKey) and plugins[0]"))
    }
    return diagnostics
}

/// The plugin keeps the burst in a 32-bit byte count: `burst / 8` must stay below 2^32 - 1.
private let burstLimit = 34_359_738_360

private let rateShape = ValueShape.integer(0...Int.max, described: "a non-negative integer (bits per second)")
private let burstShape = ValueShape.integer(0...(burstLimit - 1), described: "a non-negative integer of bits below \(burstLimit) (4 GiB)")
private let bandwidthFields: FieldShapes = [("ingressRate", rateShape), ("egressRate", rateShape), ("ingressBurst", burstShape), ("egressBurst", burstShape)]

/// The plugin shapes a direction only with both numbers, and refuses one without the other
/// (0, null and absent all mean unset to it).
private func rateBurstDiagnostic(_ plugin: PluginSite, rate: String, burst: String) -> Diagnostic? {
    func number(_ name: String) -> Int? {
        guard case .number(let number)? = plugin.object[name]?.value else { return nil }
        return number.goInteger
    }
    func isUnset(_ name: String) -> Bool {
        switch plugin.object[name]?.value {
        case nil, .null?: true
        default: number(name) == 0
        }
    }
    let (given, missing): (String, String)
    if let value = number(rate), value > 0, isUnset(burst) {
        (given, missing) = (rate, burst)
    } else if let value = number(burst), value > 0, isUnset(rate) {
        (given, missing) = (burst, rate)
    } else {
        return nil
    }
    return Diagnostic(
        .error, .bandwidthRateBurst, key: plugin.key, path: plugin.path.appending(given), at: plugin.object[given]?.position,
        "\"\(given)\" is set, so \"\(missing)\" must be set too, to a positive integer; set both or neither")
}
