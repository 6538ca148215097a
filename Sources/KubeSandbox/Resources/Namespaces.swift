import Crypto
import Foundation

/// Namespaces are implicit here: the four every cluster has, plus any namespace holding an
/// object. They are read-only (`get`, `list`), enough for kubectl, which looks a namespace up
/// to explain a NotFound ("namespaces \"x\" not found" versus "configmaps \"y\" not found").
struct Namespaces: Sendable {
    static let builtIn = ["default", "kube-node-lease", "kube-public", "kube-system"]
    static let discoveryEntry: Document = .object([
        "name": "namespaces", "singularName": "namespace", "namespaced": .bool(false), "kind": "Namespace",
        "verbs": .array(["get", "list"]), "shortNames": .array(["ns"]),
    ])

    let store: ObjectStore
    let createdAt: String

    func names() -> [String] {
        Array(Set(Self.builtIn).union(store.namespaces())).sorted()
    }

    func get(_ name: String) throws(APIError) -> Document {
        guard names().contains(name) else {
            throw APIError(code: 404, reason: "NotFound", message: "namespaces \"\(name)\" not found", name: name, kind: "namespaces")
        }
        return document(name)
    }

    func list() -> Document {
        .object([
            "kind": "NamespaceList", "apiVersion": "v1",
            "metadata": .object(["resourceVersion": .string(String(store.resourceVersion))]),
            "items": .array(names().map { name in
                var item = document(name)
                item["kind"] = nil
                item["apiVersion"] = nil
                return item
            }),
        ])
    }

    private func document(_ name: String) -> Document {
        .object([
            "kind": "Namespace", "apiVersion": "v1",
            "metadata": .object([
                "name": .string(name), "uid": .string(Self.uid(name)), "resourceVersion": "1",
                "creationTimestamp": .string(createdAt),
                "labels": .object(["kubernetes.io/metadata.name": .string(name)]),
            ]),
            "spec": .object(["finalizers": .array(["kubernetes"])]),
            "status": .object(["phase": "Active"]),
        ])
    }

    /// Stable per name, so a namespace keeps its uid across lookups.
    private static func uid(_ name: String) -> String {
        let bytes = Array(SHA256.hash(data: Data(name.utf8)).prefix(16))
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
            .uuidString.lowercased()
    }
}
