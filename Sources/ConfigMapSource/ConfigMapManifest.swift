import ENIConfig
import YAMLReader

/// Reads one ConfigMap manifest, YAML or JSON (JSON is read as YAML, like kubectl does): what
/// `kubectl get cm eni-config -o yaml|json` prints, metadata and all. Only the values of the keys
/// `ConfigMapData.readKeys` names are kept; the other keys may hold credentials and are never
/// read past their names.
public enum ConfigMapManifest {
    public static func parse(_ text: String, origin: String) throws(ConfigMapSourceError) -> LoadedConfigMap {
        let root = try singleDocument(text, origin: origin)
        guard let object = root.mapping else {
            throw error(origin, at: root, "expected a ConfigMap manifest (a mapping with kind, apiVersion, data), found \(describe(root))")
        }
        try expectConfigMap(object, root: root, origin: origin)

        let metadata = object["metadata"]?.mapping
        var ourTexts: [String: String] = [:]
        var locations: [String: KeyTextLocation] = [:]
        var dataKeys: [String] = []
        if let dataNode = object["data"] {
            guard let data = dataNode.mapping else {
                throw error(origin, at: dataNode, "`data` must be a mapping of key to string, found \(describe(dataNode))")
            }
            dataKeys = data.keys.compactMap(\.string)
            // Terway's flag is read as the file Terway's mount would hold; never an error of ours.
            ourTexts[ConfigMapData.disableNetworkPolicyKey] = data[ConfigMapData.disableNetworkPolicyKey]?.scalar?.string
            for key in ConfigMapData.ourKeys {
                guard let valueNode = data[key] else { continue }
                guard let scalar = valueNode.scalar, scalar.type == .string else {
                    throw error(
                        origin, at: valueNode,
                        "data.\(key) must be a string, found \(describe(valueNode)); write the JSON as a block scalar: `\(key): |` followed by the JSON, indented"
                    )
                }
                ourTexts[key] = scalar.string
                if scalar.style == .literal, let location = literalLocation(of: scalar, in: text) {
                    locations[key] = location
                }
            }
        }
        var binaryKeys: [String] = []
        if let binaryNode = object["binaryData"] {
            guard let binary = binaryNode.mapping else {
                throw error(origin, at: binaryNode, "`binaryData` must be a mapping of key to base64 string, found \(describe(binaryNode))")
            }
            binaryKeys = binary.keys.compactMap(\.string)
        }

        return LoadedConfigMap(
            origin: origin,
            name: metadata?["name"]?.string,
            namespace: metadata?["namespace"]?.string,
            data: ConfigMapData(
                conf: ourTexts[ConfigMapData.confKey], conflist: ourTexts[ConfigMapData.conflistKey],
                disableNetworkPolicy: ourTexts[ConfigMapData.disableNetworkPolicyKey],
                hasENIConf: (dataKeys + binaryKeys).contains(ConfigMapData.eniConfKey),
                ourKeysInBinaryData: Set(binaryKeys).intersection(ConfigMapData.ourKeys),
                resourceVersion: metadata?["resourceVersion"]?.string),
            keyLocations: locations
        )
    }

    private static func singleDocument(_ text: String, origin: String) throws(ConfigMapSourceError) -> YAMLNode {
        let documents: [YAMLNode]
        do {
            documents = try YAMLReader.documents(in: text).filter { $0.type != .null }
        } catch {
            throw ConfigMapSourceError(location: origin + (error.mark.map { ":\($0)" } ?? ""), "not valid YAML or JSON: \(error.problem)")
        }
        switch documents.count {
        case 0:
            throw ConfigMapSourceError(location: origin, "empty: expected a ConfigMap manifest such as `kubectl get cm -n kube-system eni-config -o yaml` prints")
        case 1:
            return documents[0]
        default:
            throw ConfigMapSourceError(
                location: "\(origin):\(documents[1].mark)",
                "holds \(documents.count) YAML documents; give exactly one ConfigMap (split the file, or use `kubectl get cm -n kube-system eni-config -o yaml`)"
            )
        }
    }

    private static func expectConfigMap(_ object: YAMLMapping, root: YAMLNode, origin: String) throws(ConfigMapSourceError) {
        let kind = object["kind"]?.string
        let apiVersion = object["apiVersion"]?.string
        if kind == "List" {
            throw error(origin, at: object["kind"] ?? root, "is a List; give the one ConfigMap: `kubectl get cm -n kube-system eni-config -o yaml`")
        }
        guard kind == "ConfigMap", apiVersion == "v1" else {
            let found = "kind \(kind.map { "\"\($0)\"" } ?? "missing"), apiVersion \(apiVersion.map { "\"\($0)\"" } ?? "missing")"
            throw error(origin, at: object["kind"] ?? root, "not a ConfigMap: expected `kind: ConfigMap` and `apiVersion: v1`, found \(found)")
        }
    }

    /// The block scalar's content starts on the line after its `|` indicator, indented by the
    /// indentation of its first non-blank line. The text is read as bytes, and only that far:
    /// splitting a megabyte manifest into lines of `Character`s took longer than validating it.
    private static func literalLocation(of scalar: YAMLScalar, in text: String) -> KeyTextLocation? {
        let firstContentLine = scalar.mark.line + 1
        var line = 1
        var indent = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                indent = 0
            case _ where line < firstContentLine:
                continue
            case UInt8(ascii: " "):
                indent += 1
            case UInt8(ascii: "\r"):
                continue  // the end of a CRLF line
            default:
                return KeyTextLocation(firstLine: firstContentLine, indent: indent)
            }
        }
        return nil
    }

    private static func describe(_ node: YAMLNode) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        case .scalar:
            switch node.type {
            case .bool: "a boolean"
            case .number: "a number"
            case .null: "null"
            default: "a scalar"
            }
        }
    }

    private static func error(_ origin: String, at node: YAMLNode, _ message: String) -> ConfigMapSourceError {
        ConfigMapSourceError(location: "\(origin):\(node.mark)", message)
    }
}
