import ENIConfig

/// A ConfigMap read from a file, a mounted directory or standard input: our keys only,
/// plus where their text stands in the source so diagnostics can point into the file the
/// operator edits.
public struct LoadedConfigMap: Sendable {
    /// The path it was read from, or `-` for standard input.
    public var origin: String
    public var name: String?
    public var namespace: String?
    public var data: ConfigMapData
    /// For keys written as YAML literal block scalars (`|`), where their first line stands in
    /// the manifest. Other styles (quoted, JSON strings) do not map line for line.
    public var keyLocations: [String: KeyTextLocation]

    public init(
        origin: String, name: String? = nil, namespace: String? = nil, data: ConfigMapData,
        keyLocations: [String: KeyTextLocation] = [:]
    ) {
        self.origin = origin
        self.name = name
        self.namespace = namespace
        self.data = data
        self.keyLocations = keyLocations
    }

    /// `examples/eni-config.yaml:27:13` for a diagnostic at line 5, column 9 of a block-scalar key.
    public func sourceLocation(of diagnostic: Diagnostic) -> String? {
        guard let key = diagnostic.key, let line = diagnostic.line, let column = diagnostic.column,
            let location = keyLocations[key]
        else { return nil }
        return "\(origin):\(location.firstLine + line - 1):\(location.indent + column)"
    }
}

/// Line `n`, column `c` of a key's text stands at line `firstLine + n - 1`, column `indent + c`
/// of the manifest: true of YAML literal block scalars, whose lines are copied verbatim after
/// removing a fixed indentation.
public struct KeyTextLocation: Sendable, Hashable {
    public var firstLine: Int
    public var indent: Int

    public init(firstLine: Int, indent: Int) {
        self.firstLine = firstLine
        self.indent = indent
    }
}
