import Crypto
import Foundation

/// A DaemonSet's pod template and what the controller derives from it: the revision hash that
/// labels its pods, the pod it makes for a node, and the container the kubelet launches.
struct DaemonPodTemplate: Sendable {
    static let revisionLabel = "controller-revision-hash"
    static let generationLabel = "pod-template-generation"

    let daemonSet: Document

    var template: Document { daemonSet[path: ["spec", "template"]] ?? .emptyObject }

    /// Stands for the template's ControllerRevision: equal templates, equal hashes. Ten characters
    /// from the alphabet `rand.SafeEncodeString` uses, as the real hash looks.
    var revision: String {
        let digest = Array(SHA256.hash(data: template.encoded()))
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var text = ""
        for _ in 0..<10 {
            text.append(alphabet[Int(value % UInt64(alphabet.count))])
            value /= UInt64(alphabet.count)
        }
        return text
    }

    var strategy: DaemonSetStrategy? {
        switch daemonSet[path: ["spec", "updateStrategy", "type"]]?.stringValue {
        case DaemonSetResource.onDelete: return .onDelete
        case DaemonSetResource.rollingUpdate:
            return IntOrPercent(daemonSet[path: ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"]]).map { .rollingUpdate(maxUnavailable: $0) }
        default: return nil
        }
    }

    var minReadySeconds: Int64 {
        daemonSet[path: ["spec", "minReadySeconds"]]?.integerValue ?? 0
    }

    /// Whether the template's `nodeSelector` admits a node with these labels (taints are not
    /// modelled: every node is schedulable for a DaemonSet here).
    func admits(nodeLabels: [String: String]) -> Bool {
        daemonSet.labels(at: ["spec", "template", "spec", "nodeSelector"]).allSatisfy { nodeLabels[$0.key] == $0.value }
    }

    /// The pod the controller creates on `node`: the template's metadata and spec, the revision
    /// and generation labels, the owner reference, and the node already chosen.
    func pod(on node: String) -> Document {
        var labels = template.labels()
        labels[Self.revisionLabel] = revision
        labels[Self.generationLabel] = String(daemonSet.generation)
        var metadata: [String: Document] = [
            "generateName": .string("\(daemonSet.name)-"),
            "namespace": .string(daemonSet.namespace),
            "labels": .object(labels.mapValues(Document.string)),
            "ownerReferences": .array([.object([
                "apiVersion": "apps/v1", "kind": "DaemonSet", "name": .string(daemonSet.name), "uid": .string(daemonSet.uid),
                "controller": .bool(true), "blockOwnerDeletion": .bool(true),
            ])]),
        ]
        if let annotations = template[path: ["metadata", "annotations"]] { metadata["annotations"] = annotations }
        var spec = template["spec"] ?? .emptyObject
        spec["nodeName"] = .string(node)
        return .object(["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata), "spec": spec])
    }
}

extension PodLaunch {
    /// The first container of a stored pod, as the kubelet starts it on a node with this IP.
    init(pod: Document, podIP: String) {
        let container = pod.containers(under: ["spec"]).first ?? .emptyObject
        func strings(_ key: String) -> [String] { (container[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        self.init(
            namespace: pod.namespace, name: pod.name, nodeName: pod[path: ["spec", "nodeName"]]?.stringValue ?? "",
            podIP: podIP, containerName: container["name"]?.stringValue ?? "", image: container["image"]?.stringValue ?? "",
            command: strings("command"), arguments: strings("args"),
            environment: Self.environment(container, pod: pod, podIP: podIP),
            ports: (container["ports"]?.arrayValue ?? []).compactMap { $0["containerPort"]?.integerValue.map(Int.init) })
    }

    /// `env` values and the downward API's `fieldRef`s; what the kubelet cannot resolve here
    /// (secrets, resource fields, `$(VAR)` expansion) is left out.
    private static func environment(_ container: Document, pod: Document, podIP: String) -> [String: String] {
        var environment: [String: String] = [:]
        for entry in container["env"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue else { continue }
            if let value = entry["value"]?.stringValue {
                environment[name] = value
            } else if let field = entry[path: ["valueFrom", "fieldRef", "fieldPath"]]?.stringValue,
                      let value = fieldValue(field, pod: pod, podIP: podIP) {
                environment[name] = value
            }
        }
        return environment
    }

    private static func fieldValue(_ field: String, pod: Document, podIP: String) -> String? {
        for map in ["annotations", "labels"] {
            let prefix = "metadata.\(map)['"
            if field.hasPrefix(prefix), field.hasSuffix("']") {
                // An absent key resolves to the empty string, as the kubelet does.
                return pod.labels(at: ["metadata", map])[String(field.dropFirst(prefix.count).dropLast(2))] ?? ""
            }
        }
        switch field {
        case "metadata.name": return pod.name
        case "metadata.namespace": return pod.namespace
        case "metadata.uid": return pod.uid
        case "spec.nodeName", "spec.serviceAccountName": return pod[path: field.split(separator: ".").map(String.init)]?.stringValue ?? ""
        case "status.podIP", "status.hostIP": return podIP
        default: return nil
        }
    }
}
