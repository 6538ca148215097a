import Foundation

/// Reads the Kubernetes protobuf encoding of a request body into the JSON document the rest of
/// the sandbox works on. `kubectl create configmap` sends its object this way (the typed client
/// encodes built-in types as protobuf), and client-go does not fall back to JSON on a 415.
/// Only the ConfigMap message is described: nothing else is posted as protobuf by kubectl.
/// Written by hand: a protobuf library would need the generated Kubernetes message types.
enum Protobuf {
    static let mediaType = "application/vnd.kubernetes.protobuf"
    /// "k8s\0": the envelope magic before the `runtime.Unknown` message.
    private static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    struct Failure: Error {
        var message: String
    }

    indirect enum FieldType: Sendable {
        case string
        case bytes
        case bool
        case int64
        /// `metav1.Time` {seconds = 1, nanos = 2}, rendered as RFC 3339.
        case time
        case stringMap
        case bytesMap
        case repeatedString
        case message(Message)
        case repeatedMessage(Message)
    }

    struct Message: Sendable {
        var fields: [Int: (name: String, type: FieldType)]
    }

    /// Decodes an enveloped object whose `typeMeta` must name `apiVersion`/`kind`.
    static func decodeObject(_ data: Data, as message: Message, apiVersion: String, kind: String) throws(Failure) -> Document {
        let bytes = [UInt8](data)
        guard bytes.starts(with: magic) else { throw Failure(message: "provided protobuf data is missing the k8s envelope prefix") }
        let envelope = try decode(bytes[magic.count...], as: unknown)
        let typeMeta = envelope["typeMeta"]
        guard typeMeta?["apiVersion"]?.stringValue == apiVersion, typeMeta?["kind"]?.stringValue == kind else {
            throw Failure(message: "the protobuf object is \(typeMeta?["apiVersion"]?.stringValue ?? "?") \(typeMeta?["kind"]?.stringValue ?? "?"), expected \(apiVersion) \(kind)")
        }
        guard let raw = envelope["raw"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) else {
            throw Failure(message: "the protobuf envelope carries no object")
        }
        var object = try decode([UInt8](raw)[...], as: message)
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        return object
    }

    /// `runtime.Unknown`: the envelope around every protobuf object.
    private static let unknown = Message(fields: [
        1: ("typeMeta", .message(Message(fields: [1: ("apiVersion", .string), 2: ("kind", .string)]))),
        2: ("raw", .bytes),
        3: ("contentEncoding", .string),
        4: ("contentType", .string),
    ])

    static let objectMeta = Message(fields: [
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 4: ("selfLink", .string),
        5: ("uid", .string), 6: ("resourceVersion", .string), 7: ("generation", .int64),
        8: ("creationTimestamp", .time), 9: ("deletionTimestamp", .time), 10: ("deletionGracePeriodSeconds", .int64),
        11: ("labels", .stringMap), 12: ("annotations", .stringMap),
        13: ("ownerReferences", .repeatedMessage(Message(fields: [
            5: ("apiVersion", .string), 1: ("kind", .string), 3: ("name", .string), 4: ("uid", .string),
            6: ("controller", .bool), 7: ("blockOwnerDeletion", .bool),
        ]))),
        14: ("finalizers", .repeatedString),
    ])

    private static func decode(_ bytes: ArraySlice<UInt8>, as message: Message) throws(Failure) -> Document {
        var reader = Reader(bytes: bytes)
        var object: [String: Document] = [:]
        while !reader.isAtEnd {
            let tag = try reader.varint()
            let number = Int(tag >> 3)
            let wireType = Int(tag & 7)
            guard let (name, type) = message.fields[number] else {
                try reader.skip(wireType: wireType)
                continue
            }
            switch type {
            case .bool:
                object[name] = .bool(try reader.varint() != 0)
            case .int64:
                object[name] = .integer(Int64(bitPattern: try reader.varint()))
            case .string:
                object[name] = .string(String(decoding: try reader.lengthDelimited(), as: UTF8.self))
            case .bytes:
                object[name] = .string(Data(try reader.lengthDelimited()).base64EncodedString())
            case .time:
                let time = try decode(try reader.lengthDelimited(), as: Message(fields: [1: ("seconds", .int64), 2: ("nanos", .int64)]))
                object[name] = .string(KubeTime.format(Date(timeIntervalSince1970: TimeInterval(time["seconds"]?.integerValue ?? 0))))
            case .stringMap, .bytesMap:
                let valueType: FieldType = if case .bytesMap = type { .bytes } else { .string }
                let entry = try decode(try reader.lengthDelimited(), as: Message(fields: [1: ("key", .string), 2: ("value", valueType)]))
                var map = object[name]?.objectValue ?? [:]
                map[entry["key"]?.stringValue ?? ""] = entry["value"] ?? .string("")
                object[name] = .object(map)
            case .repeatedString:
                let item = Document.string(String(decoding: try reader.lengthDelimited(), as: UTF8.self))
                object[name] = .array((object[name]?.arrayValue ?? []) + [item])
            case .message(let nested):
                object[name] = try decode(try reader.lengthDelimited(), as: nested)
            case .repeatedMessage(let nested):
                let item = try decode(try reader.lengthDelimited(), as: nested)
                object[name] = .array((object[name]?.arrayValue ?? []) + [item])
            }
        }
        return .object(object)
    }

    private struct Reader {
        var bytes: ArraySlice<UInt8>

        var isAtEnd: Bool { bytes.isEmpty }

        mutating func varint() throws(Failure) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = bytes.popFirst() {
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
                guard shift < 64 else { break }
            }
            throw Failure(message: "truncated or overlong varint in protobuf data")
        }

        mutating func lengthDelimited() throws(Failure) -> ArraySlice<UInt8> {
            let length = Int(try varint())
            guard length <= bytes.count else { throw Failure(message: "a protobuf field runs past the end of the data") }
            defer { bytes = bytes.dropFirst(length) }
            return bytes.prefix(length)
        }

        mutating func skip(wireType: Int) throws(Failure) {
            switch wireType {
            case 0: _ = try varint()
            case 1: try drop(8)
            case 2: _ = try lengthDelimited()
            case 5: try drop(4)
            default: throw Failure(message: "unsupported protobuf wire type \(wireType)")
            }
        }

        private mutating func drop(_ count: Int) throws(Failure) {
            guard bytes.count >= count else { throw Failure(message: "a protobuf field runs past the end of the data") }
            bytes = bytes.dropFirst(count)
        }
    }
}
