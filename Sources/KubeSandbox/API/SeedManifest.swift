import Foundation
import Yams

/// The objects in a manifest (YAML or JSON; several documents, or a `kind: List`), as
/// `kubectl apply -f` would read them, each with the resource that serves its kind.
enum SeedManifest {
    static func objects(in text: String, catalog: ResourceCatalog) throws(SandboxError) -> [(any ServedResource, Document)] {
        var objects: [Document] = []
        do {
            // Timestamps stay strings, as sigs.k8s.io/yaml leaves them on the way to JSON.
            // Parser rather than load_all: its sequence swallows syntax errors.
            let parser = try Parser(yaml: text, resolver: Resolver.default.removing(.timestamp))
            var index = 0
            while let node = try parser.nextRoot() {
                index += 1
                let document = try convert(node.any, at: "document \(index)")
                if case .null = document { continue }
                if document["kind"]?.stringValue?.hasSuffix("List") == true {
                    objects += document["items"]?.arrayValue ?? []
                } else {
                    objects.append(document)
                }
            }
        } catch let error as SandboxError {
            throw error
        } catch {
            throw .invalidManifest("\(error)")
        }
        var resolved: [(any ServedResource, Document)] = []
        for (index, object) in objects.enumerated() {
            let kind = object["kind"]?.stringValue ?? "(no kind)"
            let apiVersion = object["apiVersion"]?.stringValue ?? "(no apiVersion)"
            guard let resource = catalog.resources(in: apiVersion).first(where: { $0.name.kind == kind }) else {
                let served = catalog.resources.map { "\($0.apiVersion) \($0.name.kind)" }.joined(separator: ", ")
                throw .invalidManifest("object \(index + 1) is \(apiVersion) \(kind); the sandbox serves \(served)")
            }
            resolved.append((resource, object))
        }
        return resolved
    }

    private static func convert(_ value: Any?, at path: String) throws(SandboxError) -> Document {
        switch value {
        case nil, is NSNull: return .null
        case let value as Bool: return .bool(value)
        case let value as Int: return .integer(Int64(value))
        case let value as Double: return .double(value)
        case let value as String: return .string(value)
        case let value as Data: return .string(value.base64EncodedString())
        case let value as [Any]:
            var items: [Document] = []
            for (index, item) in value.enumerated() { items.append(try convert(item, at: "\(path)[\(index)]")) }
            return .array(items)
        case let value as [AnyHashable: Any]:
            var members: [String: Document] = [:]
            for (key, member) in value {
                guard let key = key.base as? String else {
                    throw .invalidManifest("\(path): the key \(key) is not a string")
                }
                members[key] = try convert(member, at: "\(path).\(key)")
            }
            return .object(members)
        default:
            throw .invalidManifest("\(path): unsupported YAML value \(String(describing: value))")
        }
    }
}
