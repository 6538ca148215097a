/// A ConfigMap as the API server sent it: identity, version, `data`, and only the key
/// names of `binaryData`.
///
/// `data` holds every key, including ones that are not ours and may carry secrets
/// (`eni_conf` with cloud access keys). `description` and `customMirror` therefore show
/// key names only, so logging or dumping an object cannot leak a value.
public struct ConfigMapObject: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public var namespace: String
    public var name: String
    /// Empty when the server sent none (it always does; test fixtures may not).
    public var uid: String
    /// `metadata.resourceVersion` of the object.
    public var resourceVersion: String
    public var data: [String: String]
    /// The keys of `binaryData`; the values are never kept.
    public var binaryDataKeys: Set<String>

    public init(
        namespace: String, name: String, uid: String, resourceVersion: String,
        data: [String: String], binaryDataKeys: Set<String> = []
    ) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.data = data
        self.binaryDataKeys = binaryDataKeys
    }

    public var description: String {
        var text = "ConfigMap \(namespace)/\(name) resourceVersion \(resourceVersion), data keys [\(data.keys.sorted().joined(separator: ", "))]"
        if !binaryDataKeys.isEmpty {
            text += ", binaryData keys [\(binaryDataKeys.sorted().joined(separator: ", "))]"
        }
        return text
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "namespace": namespace, "name": name, "uid": uid, "resourceVersion": resourceVersion,
                "dataKeys": data.keys.sorted(), "binaryDataKeys": binaryDataKeys.sorted(),
            ],
            displayStyle: .struct
        )
    }
}

/// The result of listing one ConfigMap by name.
public struct ConfigMapListResult: Sendable, Equatable {
    /// `metadata.resourceVersion` of the list: where a watch starts.
    public var resourceVersion: String
    /// The ConfigMap, or nil when it does not exist.
    public var object: ConfigMapObject?

    public init(resourceVersion: String, object: ConfigMapObject?) {
        self.resourceVersion = resourceVersion
        self.object = object
    }
}
