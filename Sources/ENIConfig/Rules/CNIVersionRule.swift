/// The spec versions libcni knows. It compares them as exact strings, so `"0.4"` or
/// `"v0.4.0"` is as unknown as `"9.9.9"`.
let knownCNIVersions = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]

/// The `cni-version` error for a present `cniVersion` member that is not a known version string.
func cniVersionDiagnostic(_ member: JSONObject.Member, key: String, path: JSONPath) -> Diagnostic? {
    if let version = member.value.value.stringValue, knownCNIVersions.contains(version) { return nil }
    return Diagnostic(
        .error, .cniVersion, key: key, path: path, at: member.value.position,
        "\"cniVersion\" must be one of \(knownCNIVersionList), found \(member.value.value.compactDescription)")
}

let knownCNIVersionList = knownCNIVersions.map { "\"\($0)\"" }.joined(separator: ", ")
