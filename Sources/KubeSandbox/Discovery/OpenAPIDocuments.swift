import Crypto
import Foundation

/// Just enough OpenAPI v3 for `kubectl apply`, `edit` and `patch`. kubectl reads it to learn
/// whether the server validates fields itself (a PATCH operation with a `fieldValidation`
/// parameter): then it sends `fieldValidation=Strict` and skips client-side schema validation,
/// which would need the full schema. Without component schemas kubectl computes strategic merge
/// patches from its built-in types, which for ConfigMaps and Events is the same result.
struct OpenAPIDocuments: Sendable {
    let catalog: ResourceCatalog

    /// `/openapi/v3`: one entry per group version, addressed by a content hash as the apiserver does.
    var root: Document {
        var paths: [String: Document] = [:]
        for groupVersion in catalog.groupVersions {
            let path = Self.documentPath(groupVersion)
            let hash = SHA256.hash(data: document(for: groupVersion).encoded()).map { String(format: "%02X", $0) }.joined()
            paths[path] = .object(["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hash)")])
        }
        return .object(["paths": .object(paths)])
    }

    /// The document for `/openapi/v3/api/v1` or `/openapi/v3/apis/<group>/<version>`.
    func document(at path: String) -> Document? {
        catalog.groupVersions.first { Self.documentPath($0) == path }.map(document(for:))
    }

    private static func documentPath(_ groupVersion: String) -> String {
        groupVersion.contains("/") ? "apis/\(groupVersion)" : "api/\(groupVersion)"
    }

    private func document(for groupVersion: String) -> Document {
        var paths: [String: Document] = [:]
        for resource in catalog.resources(in: groupVersion) {
            let scope = resource.isNamespaced ? "/namespaces/{namespace}" : ""
            let prefix = "/\(Self.documentPath(groupVersion))\(scope)/\(resource.name.plural)"
            paths["\(prefix)/{name}"] = .object(["patch": patchOperation(resource)])
        }
        return .object([
            "openapi": "3.0.0",
            "info": .object(["title": "Kubernetes", "version": .string(DiscoveryDocuments.gitVersion)]),
            "paths": .object(paths),
            "components": .object(["schemas": .emptyObject]),
        ])
    }

    private func patchOperation(_ resource: any ServedResource) -> Document {
        let name = resource.name
        let query = ["dryRun", "fieldManager", "fieldValidation", "force"].map { parameter -> Document in
            .object(["name": .string(parameter), "in": "query", "schema": .object(["type": "string", "uniqueItems": .bool(true)])])
        }
        let body: Document = .object(["schema": .object(["type": "object"])])
        let mediaTypes = [PatchType.json.rawValue, PatchType.merge.rawValue, PatchType.strategicMerge.rawValue]
        return .object([
            "operationId": .string("patch\(resource.isNamespaced ? "Namespaced" : "")\(name.kind)"),
            "parameters": .array(query),
            "requestBody": .object(["content": .object(Dictionary(uniqueKeysWithValues: mediaTypes.map { ($0, body) })), "required": .bool(true)]),
            "responses": .object(["200": .object(["description": "OK"])]),
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": .object(["group": .string(name.group), "version": .string(name.version), "kind": .string(name.kind)]),
        ])
    }
}
