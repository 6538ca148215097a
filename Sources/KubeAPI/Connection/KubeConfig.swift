import YAMLReader

/// The parts of one or more kubeconfig files the agent reads: named clusters, contexts
/// and users, and the current context. Entries stay unparsed YAML until a context
/// selects them, so a broken entry the agent does not use cannot stop it.
///
/// Several files (a `KUBECONFIG` list) merge as client-go merges them: the first file
/// that defines a name or a `current-context` wins.
struct KubeConfig {
    /// A named entry (`clusters[]`, `contexts[]`, `users[]`) and the file it came from,
    /// which relative paths inside it are resolved against.
    struct Entry {
        let name: String
        let item: YAMLMap
    }

    var clusters: [String: Entry] = [:]
    var contexts: [String: Entry] = [:]
    var users: [String: Entry] = [:]
    var currentContext: String?
    /// The files that were read, in order, for messages.
    var files: [String] = []

    /// Reads `paths` in order. A missing file is an error only when `skipMissing` is
    /// false (an explicit `--kubeconfig`); client-go skips missing `KUBECONFIG` entries.
    static func load(paths: [String], skipMissing: Bool) throws(ClusterConnectionError) -> KubeConfig {
        var config = KubeConfig()
        for path in paths {
            let bytes: [UInt8]
            do {
                bytes = try CredentialFile.read(path)
            } catch {
                if skipMissing && error.isMissingFile { continue }
                throw ClusterConnectionError(file: path, message: "cannot read the kubeconfig: \(error.reason)")
            }
            try config.merge(file: path, text: String(decoding: bytes, as: UTF8.self))
        }
        guard !config.files.isEmpty else {
            throw ClusterConnectionError(
                message: "none of the kubeconfig files in KUBECONFIG exists: \(paths.joined(separator: ":"))"
            )
        }
        return config
    }

    mutating func merge(file: String, text: String) throws(ClusterConnectionError) {
        let documents: [YAMLNode]
        do {
            documents = try YAMLReader.documents(in: text)
        } catch {
            throw ClusterConnectionError(file: file, position: error.mark?.description, message: "not valid YAML: \(error.problem)")
        }
        if documents.count > 1 {
            throw ClusterConnectionError(
                file: file, position: documents[1].mark.description,
                message: "holds \(documents.count) YAML documents; a kubeconfig is one")
        }
        files.append(file)
        guard let root = documents.first, !root.isNull else { return }  // an empty file defines nothing
        guard case .mapping(let mapping) = root else {
            throw ClusterConnectionError(
                file: file, position: root.mark.description,
                message: "expected a kubeconfig mapping (apiVersion, clusters, contexts, users), found a \(root.kindName)"
            )
        }
        let document = YAMLMap(mapping: mapping, file: file, path: "")
        if currentContext == nil, let current = try document.string("current-context"), !current.isEmpty {
            currentContext = current
        }
        try Self.add(document, "clusters", to: &clusters)
        try Self.add(document, "contexts", to: &contexts)
        try Self.add(document, "users", to: &users)
    }

    private static func add(
        _ document: YAMLMap, _ key: String, to entries: inout [String: Entry]
    ) throws(ClusterConnectionError) {
        for item in try document.mappings(key) {
            let name = try item.requiredString("name", "every entry of \(key) needs a name")
            if entries[name] == nil {
                entries[name] = Entry(name: name, item: item.renamed("\(key)[name=\(name)]"))
            }
        }
    }
}
