import Foundation

extension FieldSchema {
    /// A workload kind (Node, Pod, DaemonSet) decoded only as far as its metadata: `spec` and
    /// `status` are kept as sent. Their full schemas run to thousands of fields the sandbox never
    /// reads; a wrong type inside them reaches the controller as a missing value instead of a 400.
    static func workload(_ typeName: String) -> FieldSchema {
        .object(typeName: typeName, fields: [
            "apiVersion": .string, "kind": .string, "metadata": .objectMeta, "spec": .anything, "status": .anything,
        ])
    }
}

/// Reading the parts of stored workload objects that tables, the controller and the proxy share.
extension Document {
    var name: String { self[path: ["metadata", "name"]]?.stringValue ?? "" }
    var namespace: String { self[path: ["metadata", "namespace"]]?.stringValue ?? "" }
    var uid: String { self[path: ["metadata", "uid"]]?.stringValue ?? "" }
    var generation: Int64 { self[path: ["metadata", "generation"]]?.integerValue ?? 0 }

    func labels(at path: [String] = ["metadata", "labels"]) -> [String: String] {
        (self[path: path]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// The status of the condition of this type under `status.conditions` ("True", "False", "Unknown").
    func conditionStatus(_ type: String) -> String? {
        self[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == .string(type) }?["status"]?.stringValue
    }

    /// `spec.template.spec.containers` for a workload, `spec.containers` for a pod.
    func containers(under spec: [String]) -> [Document] {
        self[path: spec + ["containers"]]?.arrayValue ?? []
    }
}

/// `metav1.LabelSelector` (`matchLabels`, `matchExpressions`) as the sandbox's label selector.
enum LabelSelectorObject {
    static func selector(_ object: Document?) -> LabelSelector? {
        guard let object, case .object = object else { return nil }
        var requirements: [LabelSelector.Requirement] = object["matchLabels"]?.objectValue?
            .sorted { $0.key < $1.key }
            .compactMap { key, value in value.stringValue.map { .equals(key, $0) } } ?? []
        for expression in object["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = Set((expression["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            switch expression["operator"]?.stringValue {
            case "In": requirements.append(.isIn(key, values))
            case "NotIn": requirements.append(.notIn(key, values))
            case "Exists": requirements.append(.exists(key))
            case "DoesNotExist": requirements.append(.doesNotExist(key))
            default: return nil
            }
        }
        return requirements.isEmpty ? nil : LabelSelector(requirements: requirements)
    }

    /// `metav1.FormatLabelSelector`: `k=v,k2 in (a,b)`, or `<none>`.
    static func format(_ object: Document?) -> String {
        var terms = (object?["matchLabels"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.stringValue ?? "")" }
        for expression in object?["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            switch expression["operator"]?.stringValue {
            case "In": terms.append("\(key) in (\(values))")
            case "NotIn": terms.append("\(key) notin (\(values))")
            case "Exists": terms.append(key)
            case "DoesNotExist": terms.append("!\(key)")
            default: break
            }
        }
        return terms.isEmpty ? "<none>" : terms.joined(separator: ",")
    }
}

/// `intstr.IntOrString` as `maxUnavailable` takes it: a count, or a percentage of the desired pods.
enum IntOrPercent: Sendable, Equatable {
    case count(Int)
    case percent(Int)

    init?(_ value: Document?) {
        switch value {
        case .integer(let number)?:
            guard number >= 0 else { return nil }
            self = .count(Int(number))
        case .string(let text)? where text.hasSuffix("%"):
            guard let number = Int(text.dropLast()), number >= 0 else { return nil }
            self = .percent(number)
        default:
            return nil
        }
    }

    /// `intstr.GetScaledValueFromIntOrPercent`: a percentage of `total`, rounded up or down.
    func scaled(of total: Int, roundUp: Bool) -> Int {
        switch self {
        case .count(let count): count
        case .percent(let percent): roundUp ? (percent * total + 99) / 100 : percent * total / 100
        }
    }
}
