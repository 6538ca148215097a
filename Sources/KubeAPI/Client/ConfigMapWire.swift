/// The JSON shapes of ConfigMaps, lists and watch events, decoded as loosely as the
/// API allows (missing maps are empty) and turned into the public types.
enum ConfigMapWire {
    struct Metadata: Decodable {
        var name: String?
        var namespace: String?
        var uid: String?
        var resourceVersion: String?
    }

    /// A `binaryData` value is base64 we never need: decode the keys and skip the values.
    struct Skipped: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    struct Object: Decodable {
        var metadata: Metadata?
        var data: [String: String]?
        var binaryData: [String: Skipped]?

        func configMap(context: String) throws(KubeAPIError) -> ConfigMapObject {
            guard let name = metadata?.name, !name.isEmpty else {
                throw .malformedResponse("\(context): the ConfigMap has no metadata.name")
            }
            guard let resourceVersion = metadata?.resourceVersion, !resourceVersion.isEmpty else {
                throw .malformedResponse("\(context): ConfigMap \(name) has no metadata.resourceVersion")
            }
            return ConfigMapObject(
                namespace: metadata?.namespace ?? "",
                name: name,
                uid: metadata?.uid ?? "",
                resourceVersion: resourceVersion,
                data: data ?? [:],
                binaryDataKeys: Set(binaryData.map { Array($0.keys) } ?? [])
            )
        }
    }

    struct List: Decodable {
        var metadata: Metadata?
        var items: [Object]?
    }
}
