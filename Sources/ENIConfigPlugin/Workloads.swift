import Foundation

/// `intstr.IntOrString`, as `maxUnavailable` carries it.
public enum IntOrString: Codable, Sendable, Equatable {
    case int(Int)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        }
    }
}

/// The DaemonSet's `spec.updateStrategy`: what `rollout` sets aside and puts back.
public struct UpdateStrategy: Codable, Sendable, Equatable {
    public struct RollingUpdate: Codable, Sendable, Equatable {
        public var maxUnavailable: IntOrString?
        public var maxSurge: IntOrString?
    }

    public var type: String?
    public var rollingUpdate: RollingUpdate?

    public static let onDelete = "OnDelete"
}

/// The parts of the agent's DaemonSet the plugin reads.
public struct DaemonSetInfo: Decodable, Sendable {
    public struct Metadata: Decodable, Sendable {
        public var name: String
        public var namespace: String?
        public var resourceVersion: String?
        public var generation: Int64?
        public var annotations: [String: String]?
    }

    public struct Port: Decodable, Sendable {
        public var name: String?
        public var containerPort: Int
    }

    public struct Container: Decodable, Sendable {
        public var name: String
        public var ports: [Port]?
    }

    public struct Template: Decodable, Sendable {
        public struct TemplateMetadata: Decodable, Sendable {
            public var annotations: [String: String]?
        }
        public struct PodSpec: Decodable, Sendable {
            public var containers: [Container]
        }
        public var metadata: TemplateMetadata?
        public var spec: PodSpec
    }

    public struct Selector: Decodable, Sendable {
        public var matchLabels: [String: String]?
    }

    public struct Spec: Decodable, Sendable {
        public var selector: Selector
        public var updateStrategy: UpdateStrategy?
        public var template: Template
    }

    public struct Status: Decodable, Sendable {
        public var desiredNumberScheduled: Int?
        public var numberReady: Int?
        public var updatedNumberScheduled: Int?
        public var numberAvailable: Int?
        public var observedGeneration: Int64?
    }

    public var metadata: Metadata
    public var spec: Spec
    public var status: Status?

    /// The agent's HTTP port: the container port named `agent-http`, else the first one.
    public var agentPort: Int? {
        let ports = spec.template.spec.containers.flatMap { $0.ports ?? [] }
        return (ports.first { $0.name == "agent-http" } ?? ports.first)?.containerPort
    }

    /// `matchLabels` as a label selector (`k=v,k2=v2`).
    public var podSelector: String {
        (spec.selector.matchLabels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public var generation: Int64 { metadata.generation ?? 0 }
}

/// The parts of a pod the plugin reads.
public struct PodInfo: Decodable, Sendable, Equatable {
    public struct Metadata: Decodable, Sendable, Equatable {
        public var name: String
        public var uid: String?
        public var labels: [String: String]?
        public var deletionTimestamp: String?

        public init(name: String, uid: String?, labels: [String: String]?, deletionTimestamp: String? = nil) {
            self.name = name
            self.uid = uid
            self.labels = labels
            self.deletionTimestamp = deletionTimestamp
        }
    }

    public struct Spec: Decodable, Sendable, Equatable {
        public var nodeName: String?

        public init(nodeName: String?) {
            self.nodeName = nodeName
        }
    }

    public struct Condition: Decodable, Sendable, Equatable {
        public var type: String
        public var status: String

        public init(type: String, status: String) {
            self.type = type
            self.status = status
        }
    }

    public struct Status: Decodable, Sendable, Equatable {
        public var phase: String?
        public var podIP: String?
        public var conditions: [Condition]?

        public init(phase: String?, podIP: String?, conditions: [Condition]?) {
            self.phase = phase
            self.podIP = podIP
            self.conditions = conditions
        }
    }

    public var metadata: Metadata
    public var spec: Spec
    public var status: Status?

    public var name: String { metadata.name }
    public var node: String { spec.nodeName ?? "" }
    public var isReady: Bool { status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false }
    /// The DaemonSet generation it was made from (`pod-template-generation`).
    public var templateGeneration: Int64? { metadata.labels?["pod-template-generation"].flatMap { Int64($0) } }

    public init(metadata: Metadata, spec: Spec, status: Status?) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

struct PodList: Decodable {
    var items: [PodInfo]
}
