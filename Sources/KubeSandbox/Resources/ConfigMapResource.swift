import Foundation

/// `/api/v1/namespaces/{namespace}/configmaps`.
struct ConfigMapResource: ServedResource {
    let name = ResourceName(group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", shortNames: ["cm"])
    let storage = StorageKind.configMaps

    static let maximumDataBytes = 1024 * 1024
    private static var configKey: Regex<Substring> { #/[-._a-zA-Z0-9]+/# }

    let schema = FieldSchema.object(typeName: "ConfigMap", fields: [
        "apiVersion": .string, "kind": .string, "metadata": .objectMeta,
        "data": .map(.string), "binaryData": .map(.bytes), "immutable": .boolean,
    ])

    let table = TableLayout(
        columns: [
            TableLayout.nameColumn,
            .init(name: "Data", type: "integer", description: "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
            TableLayout.ageColumn,
        ],
        cells: { stored, _, now in
            let count = (stored["data"]?.objectValue?.count ?? 0) + (stored["binaryData"]?.objectValue?.count ?? 0)
            return [
                stored[path: ["metadata", "name"]] ?? "",
                .integer(Int64(count)),
                .string(TableLayout.age(since: stored[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now)),
            ]
        })

    func toStorage(_ object: Document) -> Document { object }
    func fromStorage(_ object: Document) -> Document { object }

    func fieldValue(_ label: String, of stored: Document) -> String? {
        metadataFieldValue(label, of: stored)
    }

    func validate(_ object: Document, old: Document?) -> [APIError.Cause] {
        var causes = MetadataValidation.validate(object)
        let data = object["data"]?.objectValue ?? [:]
        let binaryData = object["binaryData"]?.objectValue ?? [:]
        var totalBytes = 0
        for (key, value) in data {
            causes += keyCauses(key, field: "data")
            totalBytes += value.stringValue?.utf8.count ?? 0
        }
        for (key, value) in binaryData {
            causes += keyCauses(key, field: "binaryData")
            if data[key] != nil {
                causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\(key)\": duplicate of key present in data", field: "data"))
            }
            totalBytes += value.stringValue.flatMap { Data(base64Encoded: $0)?.count } ?? 0
        }
        if totalBytes > Self.maximumDataBytes {
            causes.append(.init(reason: "FieldValueTooLong", message: "Too long: must have at most \(Self.maximumDataBytes) bytes", field: "[]"))
        }
        if let old, old["immutable"] == .bool(true) {
            if object["immutable"] != .bool(true) {
                causes.append(.init(reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set", field: "immutable"))
            }
            if object["data"] != old["data"] {
                causes.append(.init(reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set", field: "data"))
            }
            if object["binaryData"] != old["binaryData"] {
                causes.append(.init(reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set", field: "binaryData"))
            }
        }
        return causes
    }

    private func keyCauses(_ key: String, field: String) -> [APIError.Cause] {
        if key.count <= 253, key != ".", key != "..", !key.hasPrefix(".."), key.wholeMatch(of: Self.configKey) != nil {
            return []
        }
        return [.init(
            reason: "FieldValueInvalid",
            message: "Invalid value: \"\(key)\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            field: field)]
    }
}
