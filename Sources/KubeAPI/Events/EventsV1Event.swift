/// The body of an `events.k8s.io/v1` Event as posted.
struct EventsV1Event: Encodable, Equatable {
    struct Metadata: Encodable, Equatable {
        var name: String
        var namespace: String
    }

    var apiVersion = "events.k8s.io/v1"
    var kind = "Event"
    var metadata: Metadata
    /// MicroTime: RFC 3339 with exactly six fractional digits.
    var eventTime: String
    var reportingController: String
    var reportingInstance: String
    var action: String
    var reason: String
    var type: String
    var note: String
    var regarding: ObjectReference
    var related: ObjectReference?
}

/// A reference to an object an Event is about (`regarding`) or involves (`related`).
public struct ObjectReference: Sendable, Equatable, Encodable {
    public var apiVersion: String
    public var kind: String
    public var namespace: String?
    public var name: String
    public var uid: String?
    public var resourceVersion: String?

    public init(apiVersion: String, kind: String, namespace: String?, name: String, uid: String?, resourceVersion: String?) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
    }

    /// The ConfigMap version an Event is about, so `kubectl describe cm` lists the Event.
    public static func configMap(_ object: ConfigMapObject) -> ObjectReference {
        ObjectReference(
            apiVersion: "v1", kind: "ConfigMap", namespace: object.namespace, name: object.name,
            uid: object.uid.isEmpty ? nil : object.uid, resourceVersion: object.resourceVersion
        )
    }

    /// A ConfigMap known only by name (deleted, or never seen).
    public static func configMap(namespace: String, name: String) -> ObjectReference {
        ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: name, uid: nil, resourceVersion: nil)
    }

    public static func node(_ name: String) -> ObjectReference {
        ObjectReference(apiVersion: "v1", kind: "Node", namespace: nil, name: name, uid: nil, resourceVersion: nil)
    }
}
