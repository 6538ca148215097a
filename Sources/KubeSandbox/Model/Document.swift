import Foundation

/// A mutable JSON document: the sandbox stores, patches and serves Kubernetes objects as
/// untyped JSON, like the apiserver's unstructured path. (ENIConfig's `JSONNode` keeps source
/// positions for diagnostics; here values are edited and re-encoded, so positions would be noise.)
enum Document: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([Document])
    case object([String: Document])

    static let emptyObject = Document.object([:])

    subscript(key: String) -> Document? {
        get {
            guard case .object(let members) = self else { return nil }
            return members[key]
        }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The value at a dotted path of object keys (`metadata.name`), nil when any step is missing.
    subscript(path path: [String]) -> Document? {
        get {
            var current: Document? = self
            for key in path { current = current?[key] }
            return current
        }
        set {
            guard let first = path.first else { return }
            if path.count == 1 {
                self[first] = newValue
                return
            }
            var child = self[first] ?? .emptyObject
            child[path: Array(path.dropFirst())] = newValue
            self[first] = child
        }
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var objectValue: [String: Document]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var arrayValue: [Document]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The JSON type name Go's decoder uses in its messages ("string", "number", "object"...).
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .integer, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension Document: Codable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([Document].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: Document].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension Document {
    /// Parses a request body; the error text is what a client sees in a 400 Status.
    static func parse(_ data: Data) throws(DocumentSyntaxError) -> Document {
        do {
            return try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw DocumentSyntaxError(message: Self.describe(error))
        }
    }

    /// Compact JSON with sorted keys, so identical objects encode to identical bytes.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a finite tree of strings, numbers and containers cannot fail.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    func encodedString() -> String {
        String(decoding: encoded(), as: UTF8.self)
    }

    private static func describe(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return underlying ?? context.debugDescription
    }
}

struct DocumentSyntaxError: Error {
    let message: String
}
