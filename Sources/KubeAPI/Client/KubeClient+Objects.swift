import AsyncHTTPClient
import NIOCore

/// Reads and patches of single objects by API path, for callers that own their object's JSON
/// shape (the webhook's certificate rotation: one Secret, one ValidatingWebhookConfiguration).
extension KubeClient {
    public enum PatchType: String, Sendable {
        /// RFC 7386: a `metadata.resourceVersion` in the patch makes it conditional (409 when stale).
        case merge = "application/merge-patch+json"
        /// RFC 6902: operations on paths, for list elements a merge patch would replace whole.
        case json = "application/json-patch+json"
    }

    /// `GET path`: the object's JSON.
    public func get(_ path: String) async throws -> [UInt8] {
        let response = try await send(.GET, path: path, query: [])
        return Array(try await collect(response.body, request: "GET \(path)").readableBytesView)
    }

    /// `PATCH path`: the patched object's JSON.
    @discardableResult
    public func patch(_ path: String, _ patch: [UInt8], type: PatchType) async throws -> [UInt8] {
        let response = try await send(.PATCH, path: path, query: [], body: patch, contentType: type.rawValue)
        return Array(try await collect(response.body, request: "PATCH \(path)").readableBytesView)
    }
}
