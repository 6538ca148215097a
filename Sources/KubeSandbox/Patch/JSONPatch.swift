import Foundation

/// JSON patch (RFC 6902, `application/json-patch+json`): add, remove, replace, move, copy, test
/// on RFC 6901 pointers.
enum JSONPatch {
    struct Failure: Error {
        var message: String
    }

    static func apply(_ patch: Document, to target: Document) throws(APIError) -> Document {
        guard case .array(let operations) = patch else {
            throw .badRequest("json: cannot unmarshal \(patch.typeName) into Go value of type jsonpatch.Patch")
        }
        var document = target
        do {
            for operation in operations {
                document = try perform(operation, on: document)
            }
        } catch {
            throw APIError(code: 422, reason: "Invalid", message: error.message)
        }
        return document
    }

    private static func perform(_ operation: Document, on document: Document) throws(Failure) -> Document {
        guard let op = operation["op"]?.stringValue else { throw Failure(message: "Unexpected kind: unknown") }
        let path = try pointer(operation, "path", op: op)
        switch op {
        case "add":
            return try add(try value(operation, op: op), at: path, in: document)
        case "remove":
            return try remove(at: path, in: document, op: op)
        case "replace":
            _ = try get(path, in: document, op: op)
            return try add(try value(operation, op: op), at: path, in: try remove(at: path, in: document, op: op))
        case "move":
            let from = try pointer(operation, "from", op: op)
            let moved = try get(from, in: document, op: op)
            return try add(moved, at: path, in: try remove(at: from, in: document, op: op))
        case "copy":
            let from = try pointer(operation, "from", op: op)
            return try add(try get(from, in: document, op: op), at: path, in: document)
        case "test":
            guard try get(path, in: document, op: op) == (try value(operation, op: op)) else {
                throw Failure(message: "testing value \(render(path)) failed: test failed")
            }
            return document
        default:
            throw Failure(message: "Unexpected kind: \(op)")
        }
    }

    private static func value(_ operation: Document, op: String) throws(Failure) -> Document {
        guard let value = operation["value"] else { throw Failure(message: "\(op) operation missing value") }
        return value
    }

    private static func pointer(_ operation: Document, _ member: String, op: String) throws(Failure) -> [String] {
        guard let text = operation[member]?.stringValue else { throw Failure(message: "\(op) operation missing \(member)") }
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw Failure(message: "\(op) operation: invalid pointer \"\(text)\"") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func render(_ path: [String]) -> String {
        "/" + path.joined(separator: "/")
    }

    private static func get(_ path: [String], in document: Document, op: String) throws(Failure) -> Document {
        var current = document
        for token in path {
            switch current {
            case .object(let members):
                guard let next = members[token] else { throw missing(path, op: op) }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { throw missing(path, op: op) }
                current = items[index]
            default:
                throw missing(path, op: op)
            }
        }
        return current
    }

    private static func add(_ value: Document, at path: [String], in document: Document) throws(Failure) -> Document {
        try add(value, at: path[...], in: document, whole: path)
    }

    private static func add(_ value: Document, at path: ArraySlice<String>, in document: Document, whole: [String]) throws(Failure) -> Document {
        guard let token = path.first else { return value }
        let rest = path.dropFirst()
        switch document {
        case .object(var members):
            if rest.isEmpty {
                members[token] = value
            } else {
                guard let child = members[token] else { throw missing(whole, op: "add") }
                members[token] = try add(value, at: rest, in: child, whole: whole)
            }
            return .object(members)
        case .array(var items):
            if rest.isEmpty {
                let index = token == "-" ? items.count : Int(token) ?? -1
                guard (0...items.count).contains(index) else { throw Failure(message: "add operation does not apply: index out of bounds: \(token)") }
                items.insert(value, at: index)
            } else {
                guard let index = Int(token), items.indices.contains(index) else { throw missing(whole, op: "add") }
                items[index] = try add(value, at: rest, in: items[index], whole: whole)
            }
            return .array(items)
        default:
            throw missing(whole, op: "add")
        }
    }

    private static func remove(at path: [String], in document: Document, op: String) throws(Failure) -> Document {
        try remove(at: path[...], in: document, op: op, whole: path)
    }

    private static func remove(at path: ArraySlice<String>, in document: Document, op: String, whole: [String]) throws(Failure) -> Document {
        guard let token = path.first else { return .null }
        let rest = path.dropFirst()
        switch document {
        case .object(var members):
            guard let child = members[token] else { throw missing(whole, op: op) }
            members[token] = rest.isEmpty ? nil : try remove(at: rest, in: child, op: op, whole: whole)
            return .object(members)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else { throw missing(whole, op: op) }
            if rest.isEmpty {
                items.remove(at: index)
            } else {
                items[index] = try remove(at: rest, in: items[index], op: op, whole: whole)
            }
            return .array(items)
        default:
            throw missing(whole, op: op)
        }
    }

    private static func missing(_ path: [String], op: String) -> Failure {
        Failure(message: "\(op) operation does not apply: doc is missing path: \(render(path)): missing value")
    }
}
