/// tuning (containernetworking/plugins `plugins/meta/tuning`), as its `parseConf` reads it.
func tuningDiagnostics(_ plugin: PluginSite) -> [Diagnostic] {
    shapeDiagnostics(tuningFields, in: plugin, rule: .tuningField) + sysctlKeyDiagnostics(plugin)
}

private let tuningFields: FieldShapes = [
    ("sysctl", .map(of: .string)),
    ("mac", .string),
    ("mtu", .integer(1...Int.max, described: "a positive integer")),
    ("promisc", .boolean),
    ("allmulti", .boolean),
]

/// tuning refuses, at every pod ADD, a sysctl outside `/proc/sys/net/` (sysctls are per
/// network namespace only there).
private func sysctlKeyDiagnostics(_ plugin: PluginSite) -> [Diagnostic] {
    guard let sysctl = plugin.object["sysctl"]?.value.objectValue else { return [] }
    let base = plugin.path.appending("sysctl")
    return sysctl.members.compactMap { member in
        let problem: String
        if let control = plainFileNameProblem(member.key, separators: false) {
            // The key becomes a path under /proc/sys; a NUL in it fails every pod ADD.
            problem = control
        } else if !isNetworkSysctl(member.key) {
            problem = "is not a network sysctl; tuning sets only keys under net., e.g. \"net.ipv6.conf.all.disable_ipv6\""
        } else {
            return nil
        }
        return Diagnostic(
            .error, .tuningSysctlKey, key: plugin.key, path: base.appending(member.key), at: member.keyPosition,
            "\(JSONValue.string(member.key).compactDescription) \(problem)")
    }
}

/// The plugin turns every "." into "/" (so ".." cannot survive to climb out), joins the key to
/// "/proc/sys" and requires the result to start with "/proc/sys/net/": the first component,
/// between separators, must be "net" and another must follow. Read as bytes, and only as far
/// as that takes: splitting each of thousands of keys into components cost more than every
/// other rule together.
private func isNetworkSysctl(_ key: String) -> Bool {
    let isSeparator = { (byte: UInt8) in byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") }
    return key.withUTF8Bytes { bytes in
        let first = bytes.drop(while: isSeparator)
        let afterFirst = first.drop(while: { !isSeparator($0) })
        return first[..<afterFirst.startIndex].elementsEqual("net".utf8) && afterFirst.contains { !isSeparator($0) }
    }
}
