import Foundation

/// `/api/v1/namespaces/{namespace}/events`: the stored form of every Event.
struct CoreEventResource: ServedResource {
    let name = ResourceName(group: "", version: "v1", plural: "events", singular: "event", kind: "Event", shortNames: ["ev"])
    let storage = StorageKind.events

    let schema = FieldSchema.object(typeName: "Event", fields: [
        "apiVersion": .string, "kind": .string, "metadata": .objectMeta,
        "involvedObject": .objectReference, "reason": .string, "message": .string, "source": .eventSource,
        "firstTimestamp": .time, "lastTimestamp": .time, "count": .integer, "type": .string,
        "eventTime": .microTime, "series": .eventSeries, "action": .string, "related": .objectReference,
        "reportingComponent": .string, "reportingInstance": .string,
    ])

    var table: TableLayout { EventTable.layout }

    func toStorage(_ object: Document) -> Document { object }
    func fromStorage(_ object: Document) -> Document { object }

    func fieldValue(_ label: String, of stored: Document) -> String? {
        if let value = metadataFieldValue(label, of: stored) { return value }
        if label.hasPrefix("involvedObject.") {
            let key = String(label.dropFirst("involvedObject.".count))
            guard EventFields.referenceKeys.contains(key) else { return nil }
            return stored[path: ["involvedObject", key]]?.stringValue ?? ""
        }
        switch label {
        case "reason", "type", "reportingComponent": return stored[label]?.stringValue ?? ""
        case "source": return stored[path: ["source", "component"]]?.stringValue ?? ""
        default: return nil
        }
    }

    func validate(_ object: Document, old: Document?) -> [APIError.Cause] {
        EventFields.legacyValidation(object, reportingControllerField: "reportingComponent")
    }
}

/// `/apis/events.k8s.io/v1/namespaces/{namespace}/events`: the API agents post to. Stored as the
/// core Event it converts to, with the stricter validation the apiserver applies to this version.
struct EventsV1Resource: ServedResource {
    let name = ResourceName(group: "events.k8s.io", version: "v1", plural: "events", singular: "event", kind: "Event", shortNames: ["ev"])
    let storage = StorageKind.events

    let schema = FieldSchema.object(typeName: "Event", fields: [
        "apiVersion": .string, "kind": .string, "metadata": .objectMeta,
        "eventTime": .microTime, "series": .eventSeries, "reportingController": .string, "reportingInstance": .string,
        "action": .string, "reason": .string, "regarding": .objectReference, "related": .objectReference,
        "note": .string, "type": .string, "deprecatedSource": .eventSource,
        "deprecatedFirstTimestamp": .time, "deprecatedLastTimestamp": .time, "deprecatedCount": .integer,
    ])

    var table: TableLayout { EventTable.layout }

    /// events.k8s.io/v1 field name → core/v1 field name; the others are spelled alike.
    private static let renamed: [String: String] = [
        "regarding": "involvedObject", "note": "message", "reportingController": "reportingComponent",
        "deprecatedSource": "source", "deprecatedFirstTimestamp": "firstTimestamp",
        "deprecatedLastTimestamp": "lastTimestamp", "deprecatedCount": "count",
    ]

    func toStorage(_ object: Document) -> Document {
        convert(object, names: Self.renamed, apiVersion: "v1")
    }

    func fromStorage(_ object: Document) -> Document {
        convert(object, names: Dictionary(uniqueKeysWithValues: Self.renamed.map { ($1, $0) }), apiVersion: name.groupVersion)
    }

    private func convert(_ object: Document, names: [String: String], apiVersion: String) -> Document {
        var converted: [String: Document] = [:]
        for (key, value) in object.objectValue ?? [:] {
            converted[names[key] ?? key] = value
        }
        converted["apiVersion"] = .string(apiVersion)
        converted["kind"] = "Event"
        return .object(converted)
    }

    func fieldValue(_ label: String, of stored: Document) -> String? {
        if let value = metadataFieldValue(label, of: stored) { return value }
        if label.hasPrefix("regarding.") {
            let key = String(label.dropFirst("regarding.".count))
            guard EventFields.referenceKeys.contains(key) else { return nil }
            return stored[path: ["involvedObject", key]]?.stringValue ?? ""
        }
        switch label {
        case "reason", "type": return stored[label]?.stringValue ?? ""
        case "reportingController": return stored["reportingComponent"]?.stringValue ?? ""
        default: return nil
        }
    }

    /// `ValidateEventCreate` for events.k8s.io/v1 (checked on the stored form, so on core names,
    /// reported under this version's names).
    func validate(_ object: Document, old: Document?) -> [APIError.Cause] {
        var causes = EventFields.legacyValidation(object, reportingControllerField: "reportingController")
        guard old == nil else { return causes }
        causes += MetadataValidation.validate(object)
        if object["eventTime"] == nil {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "eventTime"))
        }
        let type = object["type"]?.stringValue ?? ""
        if type != "Normal" && type != "Warning" {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\": has invalid value: \(type)", field: "type"))
        }
        let deprecated = [
            ("firstTimestamp", "deprecatedFirstTimestamp"), ("lastTimestamp", "deprecatedLastTimestamp"),
            ("count", "deprecatedCount"), ("source", "deprecatedSource"),
        ]
        for (core, field) in deprecated where EventFields.isSet(object[core]) {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\": needs to be unset", field: field))
        }
        if let series = object["series"] {
            if (series["count"]?.integerValue ?? 0) < 2 {
                causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \(series["count"]?.integerValue ?? 0): should be at least 2", field: "series.count"))
            }
            if series["lastObservedTime"] == nil {
                causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "series.lastObservedTime"))
            }
        }
        return causes
    }
}

/// What both Event versions share: reference fields, the legacy validation, the table.
enum EventFields {
    static let referenceKeys: Set<String> = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"]
    static let lengthLimit = 128
    static let noteLengthLimit = 1024

    static func isSet(_ value: Document?) -> Bool {
        switch value {
        case nil, .null: false
        case .integer(let number): number != 0
        case .object(let members): members.values.contains { isSet($0) }
        case .string(let text): !text.isEmpty
        default: true
        }
    }

    /// `legacyValidateEvent`: the checks every Event passes, whichever API version posted it.
    static func legacyValidation(_ event: Document, reportingControllerField: String) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        let namespace = event[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let involvedNamespace = event[path: ["involvedObject", "namespace"]]?.stringValue ?? ""
        let mismatch = APIError.Cause(
            reason: "FieldValueInvalid", message: "Invalid value: \"\(involvedNamespace)\": does not match event.namespace",
            field: "involvedObject.namespace")
        guard event["eventTime"] != nil else {
            if involvedNamespace.isEmpty ? (namespace != "" && namespace != "default") : namespace != involvedNamespace {
                causes.append(mismatch)
            }
            return causes
        }
        if involvedNamespace.isEmpty && namespace != "default" && namespace != "kube-system" {
            causes.append(mismatch)
        }
        let required: [(core: String, field: String, limit: Int)] = [
            ("reportingComponent", reportingControllerField, 316),
            ("reportingInstance", "reportingInstance", lengthLimit),
            ("action", "action", lengthLimit),
            ("reason", "reason", lengthLimit),
        ]
        for (core, field, limit) in required {
            let value = event[core]?.stringValue ?? ""
            if value.isEmpty {
                causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: field))
            } else if value.count > limit {
                causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\": can have at most \(limit) characters", field: field))
            }
        }
        let controller = event["reportingComponent"]?.stringValue ?? ""
        if !controller.isEmpty {
            causes += MetadataValidation.qualifiedNameCauses(controller, field: reportingControllerField)
        }
        if (event["message"]?.stringValue?.count ?? 0) > noteLengthLimit {
            let field = reportingControllerField == "reportingController" ? "note" : "message"
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\": can have at most \(noteLengthLimit) characters", field: field))
        }
        return causes
    }
}

/// The apiserver's Event table (`printEvent`), shared by both Event versions.
enum EventTable {
    static let layout = TableLayout(
        columns: [
            .init(name: "Last Seen", description: "Deprecated field assuring backward compatibility with core.v1 Event type"),
            .init(name: "Type", description: "type is the type of this event (Normal, Warning), new types could be added in the future. It is machine-readable. This field cannot be empty for new Events."),
            .init(name: "Reason", description: "reason is why the action was taken. It is human-readable. This field cannot be empty for new Events and it can have at most 128 characters."),
            .init(name: "Object", description: "The object that this event is about."),
            .init(name: "Subobject", description: "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].", priority: 1),
            .init(name: "Source", description: "Deprecated field assuring backward compatibility with core.v1 Event type", priority: 1),
            .init(name: "Message", description: "note is a human-readable description of the status of this operation. Maximal length of the note is 1kB, but libraries should be prepared to handle values up to 64kB."),
            .init(name: "First Seen", description: "Deprecated field assuring backward compatibility with core.v1 Event type", priority: 1),
            .init(name: "Count", description: "Deprecated field assuring backward compatibility with core.v1 Event type", priority: 1),
            .init(name: "Name", format: "name", description: "Name must be unique within a namespace.", priority: 1),
        ],
        cells: { event, _, now in
            let eventTime = event["eventTime"]?.stringValue.map { TableLayout.age(since: $0, now: now) } ?? "<unknown>"
            let firstSeen = event["firstTimestamp"]?.stringValue.map { TableLayout.age(since: $0, now: now) } ?? eventTime
            var lastSeen = event["lastTimestamp"]?.stringValue.map { TableLayout.age(since: $0, now: now) } ?? firstSeen
            var count = event["count"]?.integerValue ?? 0
            if let series = event["series"] {
                lastSeen = TableLayout.age(since: series["lastObservedTime"]?.stringValue, now: now)
                count = series["count"]?.integerValue ?? count
            } else if count == 0 {
                count = 1
            }
            let kind = (event[path: ["involvedObject", "kind"]]?.stringValue ?? "").lowercased()
            let objectName = event[path: ["involvedObject", "name"]]?.stringValue ?? ""
            let source = [event[path: ["source", "component"]]?.stringValue, event[path: ["source", "host"]]?.stringValue]
                .compactMap { $0 }.filter { !$0.isEmpty }
            let reporting = [event["reportingComponent"]?.stringValue, event["reportingInstance"]?.stringValue]
                .compactMap { $0 }.filter { !$0.isEmpty }
            return [
                .string(lastSeen),
                event["type"] ?? "",
                event["reason"] ?? "",
                .string(objectName.isEmpty ? kind : "\(kind)/\(objectName)"),
                event[path: ["involvedObject", "fieldPath"]] ?? "",
                .string((source.isEmpty ? reporting : source).joined(separator: ", ")),
                .string((event["message"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)),
                .string(firstSeen),
                .integer(count),
                event[path: ["metadata", "name"]] ?? "",
            ]
        })
}
