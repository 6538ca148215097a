import YAMLReader

/// A YAML mapping from a kubeconfig, with its file and field path, so every error can
/// name `file:line:column`, the field and the problem.
struct YAMLMap {
    let mapping: YAMLMapping
    let file: String
    /// The field path of this mapping, e.g. `users[name=admin].user`; empty for the document root.
    let path: String

    func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// A problem at `key`, positioned where the key is written (at the mapping itself
    /// when the key is absent or nil).
    func error(at key: String?, _ message: String) -> ClusterConnectionError {
        let keyNode = key.flatMap { key in mapping.keys.first { $0.string == key } }
        let mark = keyNode?.mark ?? mapping.mark
        return ClusterConnectionError(
            file: file,
            position: mark.description,
            field: key.map(fieldPath) ?? (path.isEmpty ? nil : path),
            message: message
        )
    }

    /// The text of a scalar field; nil when absent or YAML null.
    func string(_ key: String) throws(ClusterConnectionError) -> String? {
        guard let node = mapping[key], !node.isNull else { return nil }
        guard case .scalar(let scalar) = node else {
            throw error(at: key, "expected a string, found a \(node.kindName)")
        }
        return scalar.string
    }

    func requiredString(_ key: String, _ hint: String) throws(ClusterConnectionError) -> String {
        guard let value = try string(key), !value.isEmpty else {
            throw error(at: key, "missing: \(hint)")
        }
        return value
    }

    func bool(_ key: String) throws(ClusterConnectionError) -> Bool? {
        guard let node = mapping[key], !node.isNull else { return nil }
        guard let value = node.bool else {
            throw error(at: key, "expected true or false, found \(node.scalar.map { "\"\($0.string)\"" } ?? "a \(node.kindName)")")
        }
        return value
    }

    func map(_ key: String) throws(ClusterConnectionError) -> YAMLMap? {
        guard let node = mapping[key], !node.isNull else { return nil }
        guard case .mapping(let child) = node else {
            throw error(at: key, "expected a mapping, found a \(node.kindName)")
        }
        return YAMLMap(mapping: child, file: file, path: fieldPath(key))
    }

    /// The items of a sequence of mappings, each with a path like `key[3]`.
    func mappings(_ key: String) throws(ClusterConnectionError) -> [YAMLMap] {
        guard let node = mapping[key], !node.isNull else { return [] }
        guard case .sequence(let sequence) = node else {
            throw error(at: key, "expected a list, found a \(node.kindName)")
        }
        var items: [YAMLMap] = []
        for (index, item) in sequence.items.enumerated() {
            guard case .mapping(let child) = item else {
                throw ClusterConnectionError(
                    file: file,
                    position: item.mark.description,
                    field: "\(fieldPath(key))[\(index)]",
                    message: "expected a mapping, found a \(item.kindName)"
                )
            }
            items.append(YAMLMap(mapping: child, file: file, path: "\(fieldPath(key))[\(index)]"))
        }
        return items
    }

    /// The same mapping under another path (list items are renamed `users[name=admin]` once their name is known).
    func renamed(_ path: String) -> YAMLMap {
        YAMLMap(mapping: mapping, file: file, path: path)
    }
}

extension YAMLNode {
    var isNull: Bool { type == .null }

    var kindName: String {
        switch self {
        case .scalar: "scalar"
        case .mapping: "mapping"
        case .sequence: "list"
        }
    }
}
