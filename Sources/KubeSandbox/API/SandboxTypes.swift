import Foundation

/// A failure of the sandbox's direct API: the Status the apiserver would have answered, a
/// manifest it could not seed from, or a server that could not start.
public enum SandboxError: Error, CustomStringConvertible, Equatable {
    case status(code: Int, reason: String, message: String)
    case invalidManifest(String)
    case invalidConfiguration(String)

    init(_ error: APIError) {
        self = .status(code: error.code, reason: error.reason, message: error.message)
    }

    public var description: String {
        switch self {
        case .status(let code, let reason, let message): "\(code) \(reason): \(message)"
        case .invalidManifest(let message): "invalid seed manifest: \(message)"
        case .invalidConfiguration(let message): "invalid sandbox configuration: \(message)"
        }
    }
}

/// A ConfigMap as tests and benchmarks write and read it without going through HTTP.
public struct SandboxConfigMap: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var data: [String: String]
    public var binaryData: [String: Data]
    public var labels: [String: String]
    public var annotations: [String: String]
    public var immutable: Bool?
    /// Set by the store; a value here makes an update conditional on it.
    public var resourceVersion: String?
    public internal(set) var uid: String?

    public init(
        namespace: String, name: String, data: [String: String] = [:], binaryData: [String: Data] = [:],
        labels: [String: String] = [:], annotations: [String: String] = [:], immutable: Bool? = nil
    ) {
        self.namespace = namespace
        self.name = name
        self.data = data
        self.binaryData = binaryData
        self.labels = labels
        self.annotations = annotations
        self.immutable = immutable
    }

    init(_ object: Document) {
        func strings(_ value: Document?) -> [String: String] {
            (value?.objectValue ?? [:]).compactMapValues(\.stringValue)
        }
        self.init(
            namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "",
            name: object[path: ["metadata", "name"]]?.stringValue ?? "",
            data: strings(object["data"]),
            binaryData: strings(object["binaryData"]).compactMapValues { Data(base64Encoded: $0) },
            labels: strings(object[path: ["metadata", "labels"]]),
            annotations: strings(object[path: ["metadata", "annotations"]]))
        if case .bool(let immutable) = object["immutable"] { self.immutable = immutable }
        resourceVersion = object[path: ["metadata", "resourceVersion"]]?.stringValue
        uid = object[path: ["metadata", "uid"]]?.stringValue
    }

    var document: Document {
        var metadata: [String: Document] = ["namespace": .string(namespace), "name": .string(name)]
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues(Document.string)) }
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues(Document.string)) }
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        var object: [String: Document] = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": .object(metadata)]
        if !data.isEmpty { object["data"] = .object(data.mapValues(Document.string)) }
        if !binaryData.isEmpty { object["binaryData"] = .object(binaryData.mapValues { .string($0.base64EncodedString()) }) }
        if let immutable { object["immutable"] = .bool(immutable) }
        return .object(object)
    }
}

/// An Event the sandbox holds, in `events.k8s.io/v1` terms, whichever API posted it.
public struct SandboxEvent: Sendable {
    public struct Reference: Sendable, Equatable {
        public var kind: String
        public var namespace: String
        public var name: String
        public var uid: String
        public var apiVersion: String
        public var fieldPath: String
        /// The version of the object the Event was about.
        public var resourceVersion: String
    }

    public let namespace: String
    public let name: String
    public let resourceVersion: String
    public let type: String
    public let reason: String
    public let action: String
    public let note: String
    public let regarding: Reference
    public let related: Reference?
    public let reportingController: String
    public let reportingInstance: String
    /// MicroTime text as posted (`2006-01-02T15:04:05.000000Z`), nil for a legacy core Event.
    public let eventTime: String?
    public let seriesCount: Int?
    /// The whole object as `GET /apis/events.k8s.io/v1/...` returns it.
    public let json: String

    init(_ wire: Document) {
        func text(_ path: String...) -> String { wire[path: path]?.stringValue ?? "" }
        func reference(_ value: Document?) -> Reference? {
            guard let value else { return nil }
            return Reference(
                kind: value["kind"]?.stringValue ?? "", namespace: value["namespace"]?.stringValue ?? "",
                name: value["name"]?.stringValue ?? "", uid: value["uid"]?.stringValue ?? "",
                apiVersion: value["apiVersion"]?.stringValue ?? "", fieldPath: value["fieldPath"]?.stringValue ?? "",
                resourceVersion: value["resourceVersion"]?.stringValue ?? "")
        }
        namespace = text("metadata", "namespace")
        name = text("metadata", "name")
        resourceVersion = text("metadata", "resourceVersion")
        type = text("type")
        reason = text("reason")
        action = text("action")
        note = text("note")
        regarding = reference(wire["regarding"]) ?? Reference(kind: "", namespace: "", name: "", uid: "", apiVersion: "", fieldPath: "", resourceVersion: "")
        related = reference(wire["related"])
        reportingController = text("reportingController")
        reportingInstance = text("reportingInstance")
        eventTime = wire["eventTime"]?.stringValue
        seriesCount = wire[path: ["series", "count"]]?.integerValue.map(Int.init)
        json = wire.encodedString()
    }
}
