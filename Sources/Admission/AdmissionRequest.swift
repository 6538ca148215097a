/// The part of an `admission.k8s.io/v1` AdmissionReview request the webhook decides on.
///
/// The objects are decoded only when the request is about the ConfigMap the webhook guards:
/// anything else that reaches it is allowed without its object being read.
public struct AdmissionRequest: Sendable, Equatable {
    public enum Operation: Sendable, Equatable {
        case create, update, delete, connect
        /// An operation this API version does not define; allowed untouched.
        case other(String)

        init(_ text: String) {
            switch text {
            case "CREATE": self = .create
            case "UPDATE": self = .update
            case "DELETE": self = .delete
            case "CONNECT": self = .connect
            default: self = .other(text)
            }
        }
    }

    public struct GroupVersionKind: Sendable, Equatable, Decodable {
        public var group: String
        public var version: String
        public var kind: String

        public init(group: String, version: String, kind: String) {
            self.group = group
            self.version = version
            self.kind = kind
        }

        public static let configMap = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
    }

    public var uid: String
    public var kind: GroupVersionKind
    public var subResource: String
    public var namespace: String
    public var name: String
    public var operation: Operation
    public var dryRun: Bool
    /// The object as it would be stored (CREATE, UPDATE); nil otherwise or when not ours.
    public var object: ReviewedConfigMap?
    /// The stored object (UPDATE, DELETE); nil otherwise or when not ours.
    public var oldObject: ReviewedConfigMap?

    public init(
        uid: String, kind: GroupVersionKind = .configMap, subResource: String = "", namespace: String, name: String,
        operation: Operation, dryRun: Bool = false, object: ReviewedConfigMap? = nil, oldObject: ReviewedConfigMap? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.subResource = subResource
        self.namespace = namespace
        self.name = name
        self.operation = operation
        self.dryRun = dryRun
        self.object = object
        self.oldObject = oldObject
    }

    /// Whether this request is about `target` (the ConfigMap itself, not a subresource).
    public func isAbout(_ target: ConfigMapTarget) -> Bool {
        kind == .configMap && subResource.isEmpty && namespace == target.namespace && name == target.name
    }
}

/// The one ConfigMap the webhook guards.
public struct ConfigMapTarget: Sendable, Equatable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String = "kube-system", name: String = "eni-config") {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }
}

extension AdmissionRequest: Decodable {
    private enum Keys: String, CodingKey {
        case uid, kind, subResource, namespace, name, operation, dryRun, object, oldObject
    }

    /// Where the decoder finds the target, to know whether to read the objects at all.
    static let targetKey = CodingUserInfoKey(rawValue: "eni-config-agent.admission.target")!

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(
            uid: try container.decode(String.self, forKey: .uid),
            kind: try container.decode(GroupVersionKind.self, forKey: .kind),
            subResource: try container.decodeIfPresent(String.self, forKey: .subResource) ?? "",
            namespace: try container.decodeIfPresent(String.self, forKey: .namespace) ?? "",
            name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
            operation: Operation(try container.decode(String.self, forKey: .operation)),
            dryRun: try container.decodeIfPresent(Bool.self, forKey: .dryRun) ?? false)
        guard let target = decoder.userInfo[Self.targetKey] as? ConfigMapTarget, isAbout(target) else { return }
        object = try container.decodeIfPresent(ReviewedConfigMap.self, forKey: .object)
        oldObject = try container.decodeIfPresent(ReviewedConfigMap.self, forKey: .oldObject)
    }
}
