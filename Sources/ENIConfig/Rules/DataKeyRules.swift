/// One of our data keys, parsed.
struct ParsedDocument {
    let key: String
    let root: JSONNode

    var object: JSONObject? { root.value.objectValue }

    /// Parses a key's text. A syntax error becomes one `json-syntax` diagnostic at the
    /// parser's `line:column` (the parser stops at the first problem, as Go's does).
    static func parse(key: String, text: String, diagnostics: inout [Diagnostic]) -> ParsedDocument? {
        do {
            return ParsedDocument(key: key, root: try JSONParser.parse(text))
        } catch {
            diagnostics.append(Diagnostic(.error, .jsonSyntax, key: key, at: error.position, "invalid JSON: \(error.message)"))
            return nil
        }
    }

    /// The `not-object` error when the document is valid JSON but not an object.
    func notObjectDiagnostic(shape: String) -> Diagnostic? {
        guard object == nil else { return nil }
        return Diagnostic(
            .error, .notObject, key: key, path: .root, at: root.position,
            "\(key) must be a JSON object like \(shape), found \(root.value.kindName)")
    }
}

/// Findings about the ConfigMap's keys themselves: ours must be in `data`, and
/// `10-terway.conf` must be there.
func dataKeyDiagnostics(_ data: ConfigMapData) -> [Diagnostic] {
    var diagnostics = data.ourKeysInBinaryData.sorted().map { key in
        Diagnostic(
            .error, .keyInBinaryData, key: key,
            "\"\(key)\" is in binaryData, which the agent does not read; move it to data as plain JSON text")
    }
    if data.conf == nil, !data.ourKeysInBinaryData.contains(ConfigMapData.confKey) {
        let hint = data.conflist == nil ? "" : " (the same JSON as plugins[0] of \(ConfigMapData.conflistKey))"
        diagnostics.append(Diagnostic(
            .error, .confMissing, key: ConfigMapData.confKey,
            "\"\(ConfigMapData.confKey)\" is missing from data; add it with the terway plugin configuration\(hint), e.g. {\"cniVersion\": \"0.4.0\", \"name\": \"terway\", \"type\": \"terway\"}"))
    }
    if !data.hasENIConf {
        diagnostics.append(Diagnostic(
            .error, .eniConfMissing, key: ConfigMapData.eniConfKey,
            "\"\(ConfigMapData.eniConfKey)\" is missing from data, and Terway's init fails without it; restore it from your cluster's backup or the ACK console (its value is never read here)"))
    }
    return diagnostics
}
