import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Requests on single objects by API path, for callers that own their object's JSON shape (the
/// webhook's certificate rotation: one Secret, one ValidatingWebhookConfiguration; the kubectl
/// plugin: the DaemonSet, its pods, their proxy).
extension KubeClient {
    public enum PatchType: String, Sendable {
        /// RFC 7386: a `metadata.resourceVersion` in the patch makes it conditional (409 when stale).
        case merge = "application/merge-patch+json"
        /// RFC 6902: operations on paths, for list elements a merge patch would replace whole.
        case json = "application/json-patch+json"
    }

    /// `GET path`: the object's JSON.
    public func get(_ path: String) async throws -> [UInt8] {
        try await request(.GET, path: path)
    }

    /// `PATCH path`: the patched object's JSON.
    @discardableResult
    public func patch(_ path: String, _ patch: [UInt8], type: PatchType) async throws -> [UInt8] {
        try await request(.PATCH, path: path, body: patch, contentType: type.rawValue)
    }

    /// Any request: the response body, or a `KubeAPIError` for a failure or a status outside 2xx.
    /// - Parameter contentType: of `body`; `application/merge-patch+json` for a merge PATCH.
    public func request(
        _ method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String = "application/json"
    ) async throws -> [UInt8] {
        let response = try await send(method, path: path, query: query, body: body, contentType: contentType)
        return Array(try await collect(response.body, request: "\(method.rawValue) \(path)").readableBytesView)
    }
}
