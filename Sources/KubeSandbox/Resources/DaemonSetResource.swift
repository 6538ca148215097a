import Foundation

/// `/apis/apps/v1/namespaces/{namespace}/daemonsets`. The spec is defaulted and versioned by
/// `metadata.generation` as the apiserver does; `status` belongs to the sandbox's DaemonSet
/// controller, so writes through this endpoint keep the stored one.
struct DaemonSetResource: ServedResource {
    let name = ResourceName(group: "apps", version: "v1", plural: "daemonsets", singular: "daemonset", kind: "DaemonSet", shortNames: ["ds"])
    let storage = StorageKind.daemonSets
    let schema = FieldSchema.workload("DaemonSet")

    static let rollingUpdate = "RollingUpdate"
    static let onDelete = "OnDelete"

    let table = TableLayout(
        columns: [
            TableLayout.nameColumn,
            .init(name: "Desired", type: "integer", description: "The total number of nodes that should be running the daemon pod."),
            .init(name: "Current", type: "integer", description: "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            .init(name: "Ready", type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
            .init(name: "Up-to-date", type: "integer", description: "The total number of nodes that are running updated daemon pod"),
            .init(name: "Available", type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            .init(name: "Node Selector", description: "NodeSelector is a selector which must be true for the pod to fit on a node."),
            TableLayout.ageColumn,
            .init(name: "Containers", description: "Names of each container in the template.", priority: 1),
            .init(name: "Images", description: "Images referenced by each container in the template.", priority: 1),
            .init(name: "Selector", description: "A label query over pods that are managed by the daemon set.", priority: 1),
        ],
        cells: { stored, _, now in
            func count(_ field: String) -> Document { .integer(stored[path: ["status", field]]?.integerValue ?? 0) }
            let nodeSelector = stored.labels(at: ["spec", "template", "spec", "nodeSelector"]).sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            let containers = stored.containers(under: ["spec", "template", "spec"])
            return [
                .string(stored.name),
                count("desiredNumberScheduled"), count("currentNumberScheduled"), count("numberReady"),
                count("updatedNumberScheduled"), count("numberAvailable"),
                .string(nodeSelector.isEmpty ? "<none>" : nodeSelector),
                .string(TableLayout.age(since: stored[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now)),
                .string(containers.map { $0["name"]?.stringValue ?? "" }.joined(separator: ",")),
                .string(containers.map { $0["image"]?.stringValue ?? "" }.joined(separator: ",")),
                .string(LabelSelectorObject.format(stored[path: ["spec", "selector"]])),
            ]
        })

    func toStorage(_ object: Document) -> Document { object }
    func fromStorage(_ object: Document) -> Document { object }

    func fieldValue(_ label: String, of stored: Document) -> String? {
        metadataFieldValue(label, of: stored)
    }

    /// `SetDefaults_DaemonSet`, then the strategy: a new DaemonSet starts at generation 1 with an
    /// empty status; an update keeps the status and moves the generation only when the spec changed.
    func prepare(_ object: Document, old: Document?) -> Document {
        var prepared = object
        if prepared[path: ["spec", "updateStrategy", "type"]] == nil {
            prepared[path: ["spec", "updateStrategy", "type"]] = .string(Self.rollingUpdate)
        }
        if prepared[path: ["spec", "updateStrategy", "type"]] == .string(Self.rollingUpdate) {
            for (field, value) in [("maxUnavailable", Document.integer(1)), ("maxSurge", .integer(0))]
            where prepared[path: ["spec", "updateStrategy", "rollingUpdate", field]] == nil {
                prepared[path: ["spec", "updateStrategy", "rollingUpdate", field]] = value
            }
        }
        if prepared[path: ["spec", "revisionHistoryLimit"]] == nil {
            prepared[path: ["spec", "revisionHistoryLimit"]] = .integer(10)
        }
        if let old {
            prepared["status"] = old["status"]
            let generation = max(old.generation, 1)
            prepared[path: ["metadata", "generation"]] = .integer(prepared["spec"] == old["spec"] ? generation : generation + 1)
        } else {
            prepared["status"] = .object([
                "currentNumberScheduled": .integer(0), "numberMisscheduled": .integer(0),
                "desiredNumberScheduled": .integer(0), "numberReady": .integer(0),
            ])
            prepared[path: ["metadata", "generation"]] = .integer(1)
        }
        return prepared
    }

    /// The parts of `ValidateDaemonSet` a hand edit trips over.
    func validate(_ object: Document, old: Document?) -> [APIError.Cause] {
        var causes = MetadataValidation.validate(object)
        let selectorObject = object[path: ["spec", "selector"]]
        if let selector = LabelSelectorObject.selector(selectorObject) {
            let labels = object.labels(at: ["spec", "template", "metadata", "labels"])
            if !selector.matches(.object(["metadata": .object(["labels": .object(labels.mapValues(Document.string))])])) {
                causes.append(.init(
                    reason: "FieldValueInvalid", message: "Invalid value: \(goMap(labels)): `selector` does not match template `labels`",
                    field: "spec.template.metadata.labels"))
            }
        } else {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "spec.selector"))
        }
        if let old, old[path: ["spec", "selector"]] != selectorObject {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \(LabelSelectorObject.format(selectorObject)): field is immutable", field: "spec.selector"))
        }
        if object.containers(under: ["spec", "template", "spec"]).isEmpty {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "spec.template.spec.containers"))
        }
        let strategy = object[path: ["spec", "updateStrategy", "type"]]?.stringValue ?? ""
        switch strategy {
        case Self.onDelete:
            break
        case Self.rollingUpdate:
            let maxUnavailable = object[path: ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"]]
            if IntOrPercent(maxUnavailable) == nil {
                causes.append(.init(
                    reason: "FieldValueInvalid", message: "Invalid value: \(maxUnavailable?.encodedString() ?? "null"): must be a non-negative integer or a percentage",
                    field: "spec.updateStrategy.rollingUpdate.maxUnavailable"))
            }
        default:
            causes.append(.init(
                reason: "FieldValueNotSupported", message: "Unsupported value: \"\(strategy)\": supported values: \"OnDelete\", \"RollingUpdate\"",
                field: "spec.updateStrategy.type"))
        }
        return causes
    }

    /// Go's `%#v` of a `map[string]string`, as the apiserver's message prints the labels.
    private func goMap(_ labels: [String: String]) -> String {
        "map[string]string{" + labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ", ") + "}"
    }
}
