import Foundation

/// The server-side printing `kubectl get` asks for (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
/// column definitions plus one row of cells per object, as the apiserver's table convertors build them.
struct TableLayout: Sendable {
    struct Column: Sendable {
        var name: String
        var type: String = "string"
        var format: String = ""
        var description: String
        /// Columns with priority > 0 appear only with `-o wide`.
        var priority: Int = 0
    }

    var columns: [Column]
    var cells: @Sendable (_ stored: Document, _ wire: Document, _ now: Date) -> [Document]

    /// What each row carries besides its cells (`includeObject` query parameter).
    enum RowObject: String {
        case none = "None"
        case metadata = "Metadata"
        case object = "Object"
    }

    func table(
        stored: [Document], wire: [Document], resourceVersion: String, rowObject: RowObject, now: Date = Date()
    ) -> Document {
        let rows = zip(stored, wire).map { stored, wire in
            var row: [String: Document] = ["cells": .array(cells(stored, wire, now))]
            switch rowObject {
            case .none: break
            case .metadata:
                row["object"] = .object([
                    "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                    "metadata": wire["metadata"] ?? .emptyObject,
                ])
            case .object: row["object"] = wire
            }
            return Document.object(row)
        }
        return .object([
            "kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": .object(["resourceVersion": .string(resourceVersion)]),
            "columnDefinitions": .array(columns.map { column in
                .object([
                    "name": .string(column.name), "type": .string(column.type), "format": .string(column.format),
                    "description": .string(column.description), "priority": .integer(Int64(column.priority)),
                ])
            }),
            "rows": .array(rows),
        ])
    }

    static let nameColumn = Column(
        name: "Name", format: "name",
        description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")

    static let ageColumn = Column(
        name: "Age",
        description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata")

    /// The age cell: time since a timestamp, in kubectl's words ("5m", "2d3h"), or "<unknown>".
    static func age(since timestamp: String?, now: Date) -> String {
        guard let timestamp, let date = KubeTime.parse(timestamp) else { return "<unknown>" }
        return HumanDuration.describe(now.timeIntervalSince(date))
    }
}

/// `k8s.io/apimachinery/pkg/util/duration.HumanDuration`: the age format every kubectl column uses.
enum HumanDuration {
    static func describe(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.down))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return compound(minutes, "m", seconds % 60, "s") }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return compound(hours, "h", minutes % 60, "m") }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return compound(hours / 24, "d", hours % 24, "h") }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 { return compound(hours / 24 / 365, "y", (hours / 24) % 365, "d") }
        return "\(hours / 24 / 365)y"
    }

    private static func compound(_ major: Int, _ majorUnit: String, _ minor: Int, _ minorUnit: String) -> String {
        minor == 0 ? "\(major)\(majorUnit)" : "\(major)\(majorUnit)\(minor)\(minorUnit)"
    }
}
