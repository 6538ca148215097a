import Foundation

/// `/api/v1/namespaces/{namespace}/secrets`: what the webhook's certificate rotation reads and
/// patches. `stringData` is folded into `data` on write, as the apiserver does.
struct SecretResource: ServedResource {
    let name = ResourceName(group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", shortNames: [])
    let storage = StorageKind.secrets

    let schema = FieldSchema.object(typeName: "Secret", fields: [
        "apiVersion": .string, "kind": .string, "metadata": .objectMeta,
        "data": .map(.bytes), "stringData": .map(.string), "type": .string, "immutable": .boolean,
    ])

    let table = TableLayout(
        columns: [
            TableLayout.nameColumn,
            .init(name: "Type", description: "The type of the secret"),
            .init(name: "Data", type: "integer", description: "The number of entries in Data."),
            TableLayout.ageColumn,
        ],
        cells: { stored, _, now in
            [
                stored[path: ["metadata", "name"]] ?? "",
                stored["type"] ?? "",
                .integer(Int64(stored["data"]?.objectValue?.count ?? 0)),
                .string(TableLayout.age(since: stored[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now)),
            ]
        })

    func toStorage(_ object: Document) -> Document {
        var stored = object
        if let stringData = object["stringData"]?.objectValue, !stringData.isEmpty {
            var data = object["data"]?.objectValue ?? [:]
            for (key, value) in stringData {
                data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
            }
            stored["data"] = .object(data)
        }
        stored["stringData"] = nil
        if (stored["type"]?.stringValue ?? "").isEmpty { stored["type"] = "Opaque" }
        return stored
    }

    func fromStorage(_ object: Document) -> Document { object }

    func fieldValue(_ label: String, of stored: Document) -> String? {
        label == "type" ? stored["type"]?.stringValue ?? "" : metadataFieldValue(label, of: stored)
    }

    func validate(_ object: Document, old: Document?) -> [APIError.Cause] {
        var causes = MetadataValidation.validate(object)
        let bytes = (object["data"]?.objectValue ?? [:]).values.reduce(0) { total, value in
            total + (value.stringValue.flatMap { Data(base64Encoded: $0)?.count } ?? 0)
        }
        if bytes > ConfigMapResource.maximumDataBytes {
            causes.append(.init(reason: "FieldValueTooLong", message: "Too long: must have at most \(ConfigMapResource.maximumDataBytes) bytes", field: "data"))
        }
        if let old, old["type"] != object["type"] {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\(object["type"]?.stringValue ?? "")\": field is immutable", field: "type"))
        }
        return causes
    }
}
