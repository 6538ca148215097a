import Foundation

/// The shape of a Kubernetes type as Go's JSON decoder sees it: which fields exist and of
/// which type. Decoding a request through it reproduces the apiserver's behaviour: a wrong
/// type is a 400, an unknown field is dropped (and reported under `fieldValidation`).
indirect enum FieldSchema: Sendable {
    case string
    case integer
    case boolean
    /// `metav1.Time`: RFC 3339, fractional seconds optional.
    case time
    /// `metav1.MicroTime`: RFC 3339 with exactly six fractional digits, as Go parses it.
    case microTime
    /// base64 (`[]byte` fields such as ConfigMap `binaryData` values).
    case bytes
    case map(FieldSchema)
    case object(typeName: String, fields: [String: FieldSchema])
    case array(FieldSchema)
    /// Kept as sent (managedFields).
    case anything
}

/// The outcome of decoding a request body through a schema.
struct SchemaDecoding {
    var pruned: Document
    /// Dotted paths of fields the schema does not know, in the order met.
    var unknownFields: [String]
}

struct SchemaTypeError: Error {
    /// Go's wording: `json: cannot unmarshal number into Go struct field ConfigMap.data of type string`.
    var message: String
}

extension FieldSchema {
    func decode(_ value: Document) throws(SchemaTypeError) -> SchemaDecoding {
        var unknown: [String] = []
        let pruned = try decode(value, goPath: "", fieldPath: "", unknown: &unknown)
        return SchemaDecoding(pruned: pruned ?? .null, unknownFields: unknown)
    }

    /// Returns nil for a null, which Go decodes as the zero value (an omitted field).
    private func decode(
        _ value: Document, goPath: String, fieldPath: String, unknown: inout [String]
    ) throws(SchemaTypeError) -> Document? {
        if case .null = value { return nil }
        switch (self, value) {
        case (.anything, _):
            return value
        case (.string, .string), (.integer, .integer), (.boolean, .bool):
            return value
        case (.time, .string(let text)):
            guard KubeTime.parse(text) != nil else { throw timeError(text, layout: "2006-01-02T15:04:05Z07:00") }
            return value
        case (.microTime, .string(let text)):
            guard KubeTime.parseMicro(text) != nil else { throw timeError(text, layout: "2006-01-02T15:04:05.000000Z07:00") }
            return value
        case (.bytes, .string(let text)):
            guard Data(base64Encoded: text) != nil else {
                throw SchemaTypeError(message: "illegal base64 data in field \(goPath)")
            }
            return value
        case (.map(let element), .object(let members)):
            var result: [String: Document] = [:]
            for (key, member) in members {
                // A null map value decodes to the element's zero value.
                result[key] = try element.decode(member, goPath: goPath, fieldPath: "\(fieldPath).\(key)", unknown: &unknown)
                    ?? element.zeroValue
            }
            return .object(result)
        case (.array(let element), .array(let items)):
            var result: [Document] = []
            for (index, item) in items.enumerated() {
                let decoded = try element.decode(item, goPath: goPath, fieldPath: "\(fieldPath)[\(index)]", unknown: &unknown)
                result.append(decoded ?? element.zeroValue)
            }
            return .array(result)
        case (.object(let typeName, let fields), .object(let members)):
            var result: [String: Document] = [:]
            for key in members.keys.sorted() {
                let member = members[key]!
                let childPath = fieldPath.isEmpty ? key : "\(fieldPath).\(key)"
                guard let field = fields[key] else {
                    unknown.append(childPath)
                    continue
                }
                let childGoPath = goPath.isEmpty ? "\(typeName).\(key)" : "\(goPath).\(key)"
                if let decoded = try field.decode(member, goPath: childGoPath, fieldPath: childPath, unknown: &unknown) {
                    result[key] = decoded
                }
            }
            return .object(result)
        default:
            throw SchemaTypeError(
                message: "json: cannot unmarshal \(value.typeName) into Go struct field \(goPath) of type \(goTypeName)")
        }
    }

    private var zeroValue: Document {
        switch self {
        case .string, .bytes: .string("")
        case .integer: .integer(0)
        case .boolean: .bool(false)
        case .map, .object: .emptyObject
        case .array: .array([])
        case .time, .microTime, .anything: .null
        }
    }

    private var goTypeName: String {
        switch self {
        case .string: "string"
        case .integer: "int64"
        case .boolean: "bool"
        case .time: "v1.Time"
        case .microTime: "v1.MicroTime"
        case .bytes: "[]uint8"
        case .map(let element): "map[string]\(element.goTypeName)"
        case .object(let typeName, _): "v1.\(typeName)"
        case .array(let element): "[]\(element.goTypeName)"
        case .anything: "interface {}"
        }
    }

    private func timeError(_ text: String, layout: String) -> SchemaTypeError {
        SchemaTypeError(message: "parsing time \"\(text)\" as \"\(layout)\": cannot parse \"\(text)\" as \"\(layout)\"")
    }
}

extension FieldSchema {
    static let objectMeta = FieldSchema.object(typeName: "ObjectMeta", fields: [
        "name": .string, "generateName": .string, "namespace": .string, "selfLink": .string,
        "uid": .string, "resourceVersion": .string, "generation": .integer,
        "creationTimestamp": .time, "deletionTimestamp": .time, "deletionGracePeriodSeconds": .integer,
        "labels": .map(.string), "annotations": .map(.string),
        "ownerReferences": .array(.object(typeName: "OwnerReference", fields: [
            "apiVersion": .string, "kind": .string, "name": .string, "uid": .string,
            "controller": .boolean, "blockOwnerDeletion": .boolean,
        ])),
        "finalizers": .array(.string),
        "managedFields": .array(.anything),
    ])

    static let objectReference = FieldSchema.object(typeName: "ObjectReference", fields: [
        "kind": .string, "namespace": .string, "name": .string, "uid": .string,
        "apiVersion": .string, "resourceVersion": .string, "fieldPath": .string,
    ])

    static let eventSource = FieldSchema.object(typeName: "EventSource", fields: ["component": .string, "host": .string])

    static let eventSeries = FieldSchema.object(typeName: "EventSeries", fields: ["count": .integer, "lastObservedTime": .microTime])
}
