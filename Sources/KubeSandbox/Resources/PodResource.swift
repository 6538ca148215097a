import Foundation

/// `/api/v1/namespaces/{namespace}/pods`. Pods are made by the sandbox's DaemonSet controller
/// and run by its kubelet; `status` is theirs, so writes through this endpoint keep the stored one.
struct PodResource: ServedResource {
    let name = ResourceName(group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", shortNames: ["po"])
    let storage = StorageKind.pods
    let schema = FieldSchema.workload("Pod")

    let table = TableLayout(
        columns: [
            TableLayout.nameColumn,
            .init(name: "Ready", description: "The aggregate readiness state of this pod for accepting traffic."),
            .init(name: "Status", description: "The aggregate status of the containers in this pod."),
            .init(name: "Restarts", description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            TableLayout.ageColumn,
            .init(name: "IP", description: "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", priority: 1),
            .init(name: "Node", description: "NodeName is a request to schedule this pod onto a specific node.", priority: 1),
            .init(name: "Nominated Node", description: "nominatedNodeName is set only when this pod preempts other pods on the node.", priority: 1),
            .init(name: "Readiness Gates", description: "If specified, all readiness gates will be evaluated for pod readiness.", priority: 1),
        ],
        cells: { stored, _, now in
            let statuses = stored[path: ["status", "containerStatuses"]]?.arrayValue ?? []
            let ready = statuses.filter { $0["ready"] == .bool(true) }.count
            let restarts = statuses.reduce(Int64(0)) { $0 + ($1["restartCount"]?.integerValue ?? 0) }
            return [
                .string(stored.name),
                .string("\(ready)/\(stored.containers(under: ["spec"]).count)"),
                .string(PodResource.displayStatus(stored)),
                .string(String(restarts)),
                .string(TableLayout.age(since: stored[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now)),
                .string(stored[path: ["status", "podIP"]]?.stringValue ?? "<none>"),
                .string(stored[path: ["spec", "nodeName"]]?.stringValue ?? "<none>"),
                .string(stored[path: ["status", "nominatedNodeName"]]?.stringValue ?? "<none>"),
                "<none>",
            ]
        })

    /// The STATUS column as kubectl's printer derives it: the phase, overridden by a container's
    /// waiting or terminated reason, and `Terminating` once deletion began.
    static func displayStatus(_ pod: Document) -> String {
        var reason = pod[path: ["status", "reason"]]?.stringValue ?? pod[path: ["status", "phase"]]?.stringValue ?? ""
        for status in pod[path: ["status", "containerStatuses"]]?.arrayValue ?? [] {
            if let waiting = status[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty {
                reason = waiting
            } else if let terminated = status[path: ["state", "terminated", "reason"]]?.stringValue, !terminated.isEmpty {
                reason = terminated
            }
        }
        return pod[path: ["metadata", "deletionTimestamp"]] == nil ? reason : "Terminating"
    }

    func toStorage(_ object: Document) -> Document { object }
    func fromStorage(_ object: Document) -> Document { object }

    func fieldValue(_ label: String, of stored: Document) -> String? {
        if let value = metadataFieldValue(label, of: stored) { return value }
        switch label {
        case "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName":
            return stored[path: label.split(separator: ".").map(String.init)]?.stringValue ?? ""
        case "spec.hostNetwork":
            return stored[path: ["spec", "hostNetwork"]] == .bool(true) ? "true" : "false"
        case "status.phase", "status.podIP", "status.nominatedNodeName":
            return stored[path: label.split(separator: ".").map(String.init)]?.stringValue ?? ""
        default:
            return nil
        }
    }

    func prepare(_ object: Document, old: Document?) -> Document {
        var prepared = object
        prepared["status"] = old?["status"] ?? .object(["phase": "Pending", "qosClass": "Burstable"])
        return prepared
    }

    func validate(_ object: Document, old: Document?) -> [APIError.Cause] {
        var causes = MetadataValidation.validate(object)
        if object.containers(under: ["spec"]).isEmpty {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "spec.containers"))
        }
        if let old, old[path: ["spec", "nodeName"]] != nil, old[path: ["spec", "nodeName"]] != object[path: ["spec", "nodeName"]] {
            causes.append(.init(reason: "FieldValueForbidden", message: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)", field: "spec"))
        }
        return causes
    }
}

/// `/api/v1/nodes`, cluster-scoped. The sandbox's fleet registers them, as kubelets do.
struct NodeResource: ServedResource {
    let name = ResourceName(group: "", version: "v1", plural: "nodes", singular: "node", kind: "Node", shortNames: ["no"])
    let storage = StorageKind.nodes
    let schema = FieldSchema.workload("Node")
    var isNamespaced: Bool { false }

    let table = TableLayout(
        columns: [
            TableLayout.nameColumn,
            .init(name: "Status", description: "The status of the node"),
            .init(name: "Roles", description: "The roles of the node"),
            TableLayout.ageColumn,
            .init(name: "Version", description: "Kubelet Version reported by the node."),
            .init(name: "Internal-IP", description: "List of addresses reachable to the node. Queried from cloud provider, if available.", priority: 1),
            .init(name: "External-IP", description: "List of addresses reachable to the node. Queried from cloud provider, if available.", priority: 1),
            .init(name: "OS-Image", description: "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", priority: 1),
            .init(name: "Kernel-Version", description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority: 1),
            .init(name: "Container-Runtime", description: "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", priority: 1),
        ],
        cells: { stored, _, now in
            func address(_ type: String) -> String {
                stored[path: ["status", "addresses"]]?.arrayValue?.first { $0["type"] == .string(type) }?["address"]?.stringValue ?? "<none>"
            }
            func info(_ field: String) -> String { stored[path: ["status", "nodeInfo", field]]?.stringValue ?? "" }
            var status = stored.conditionStatus("Ready") == "True" ? "Ready" : "NotReady"
            if stored[path: ["spec", "unschedulable"]] == .bool(true) { status += ",SchedulingDisabled" }
            let roles = stored.labels().keys.filter { $0.hasPrefix("node-role.kubernetes.io/") }
                .map { String($0.dropFirst("node-role.kubernetes.io/".count)) }.sorted()
            return [
                .string(stored.name), .string(status), .string(roles.isEmpty ? "<none>" : roles.joined(separator: ",")),
                .string(TableLayout.age(since: stored[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now)),
                .string(info("kubeletVersion")), .string(address("InternalIP")), .string(address("ExternalIP")),
                .string(info("osImage")), .string(info("kernelVersion")), .string(info("containerRuntimeVersion")),
            ]
        })

    func toStorage(_ object: Document) -> Document { object }
    func fromStorage(_ object: Document) -> Document { object }

    func fieldValue(_ label: String, of stored: Document) -> String? {
        switch label {
        case "metadata.name": stored.name
        case "spec.unschedulable": stored[path: ["spec", "unschedulable"]] == .bool(true) ? "true" : "false"
        default: nil
        }
    }

    /// A node's status is its kubelet's: updates through this endpoint keep it.
    func prepare(_ object: Document, old: Document?) -> Document {
        guard let old else { return object }
        var prepared = object
        prepared["status"] = old["status"]
        return prepared
    }

    func validate(_ object: Document, old: Document?) -> [APIError.Cause] {
        MetadataValidation.validate(object)
    }
}
