import Foundation
import Hummingbird

/// The REST verbs on one served resource: list and watch on collections, create, and get,
/// replace, patch and delete on items.
struct ResourceEndpoints: Sendable {
    /// The apiserver's request body limit (3 MiB); objects themselves are capped lower by validation.
    static let maximumBodyBytes = 3 * 1024 * 1024

    let operations: ResourceOperations
    let webhooks: AdmissionWebhooks
    let watchLimits: WatchLimits

    struct WatchLimits: Sendable {
        var bookmarkInterval: Duration
        var timeoutCap: Duration
    }

    private var resource: any ServedResource { operations.resource }
    private var store: ObjectStore { operations.store }
    private var admitted: AdmittedOperations { AdmittedOperations(operations: operations, webhooks: webhooks) }

    /// GET on a collection: a list, or a watch with `watch=1`. `namespace` is nil across all namespaces.
    func list(_ request: Request, namespace: String?) throws(APIError) -> Response {
        let query = QueryParameters(request.uri.query)
        let options = try ListOptions(query, resource: resource)
        let format = ResponseFormat(accept: request.headers[.accept], query: query)
        let filter = WatchFilter(storage: resource.storage, namespace: namespace) { [resource] object in
            options.fieldSelector.matches(object, in: resource) && options.labelSelector.matches(object)
        }
        if options.watch {
            return watch(request, filter: filter, options: options, format: format)
        }
        if let requested = options.requestedVersion {
            let current = store.resourceVersion
            if requested > current { throw .resourceVersionTooLarge(requested: requested, current: current) }
            // Only the current state is kept: an exact read of an older version has been compacted.
            if options.resourceVersionMatch == "Exact", requested != current {
                throw .expired(requested: requested, oldest: current)
            }
        }
        let (items, version) = store.list(
            resource.storage, namespace: namespace, fromCache: Self.isServedFromCache(options, cacheVersion: store.cacheResourceVersion),
            where: filter.matches)
        let wire = items.map(resource.fromStorage)
        switch format {
        case .table(let rowObject):
            return .json(resource.table.table(stored: items, wire: wire, resourceVersion: String(version), rowObject: rowObject))
        case .objects:
            return .json(.object([
                "kind": .string("\(resource.name.kind)List"), "apiVersion": .string(resource.name.groupVersion),
                "metadata": .object(["resourceVersion": .string(String(version))]),
                // List items carry no kind or apiVersion on the wire: the list names them.
                "items": .array(wire.map { item in
                    var item = item
                    item["kind"] = nil
                    item["apiVersion"] = nil
                    return item
                }),
            ]))
        }
    }

    /// The apiserver answers a list that names a version from its watch cache: `resourceVersion=0`
    /// ("any state") at once, a version the cache has reached as of the cache. A list without a
    /// version is a consistent read from etcd. (A version the cache has not reached makes the
    /// apiserver wait for it; the sandbox answers that from the store, as if it had caught up.)
    private static func isServedFromCache(_ options: ListOptions, cacheVersion: Int64) -> Bool {
        guard !options.resourceVersion.isEmpty, options.resourceVersionMatch != "Exact" else { return false }
        guard let requested = options.requestedVersion else { return true }
        return requested <= cacheVersion
    }

    private func watch(_ request: Request, filter: WatchFilter, options: ListOptions, format: ResponseFormat) -> Response {
        // No timeoutSeconds, or 0, leaves the choice to the server, as on the apiserver.
        let requestedTimeout = options.timeoutSeconds.flatMap { $0 > 0 ? Duration.seconds($0) : nil } ?? watchLimits.timeoutCap
        let streaming = WatchStreaming(
            resource: resource, format: format,
            timeout: min(requestedTimeout, watchLimits.timeoutCap),
            bookmarkInterval: options.allowWatchBookmarks ? watchLimits.bookmarkInterval : nil)
        let start: WatchStart = if options.sendInitialEvents {
            .currentState(markEnd: options.allowWatchBookmarks)
        } else if let version = options.requestedVersion {
            .after(version)
        } else {
            .currentState(markEnd: false)
        }
        return streaming.response(for: request) { () throws(APIError) -> WatchSubscription in
            try store.watch(filter, from: start)
        }
    }

    func get(_ request: Request, namespace: String, name: String) throws(APIError) -> Response {
        let object = try operations.get(namespace: namespace, name: name)
        switch ResponseFormat(accept: request.headers[.accept], query: QueryParameters(request.uri.query)) {
        case .objects:
            return .json(object)
        case .table(let rowObject):
            let stored = resource.toStorage(object)
            let version = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
            return .json(resource.table.table(stored: [stored], wire: [object], resourceVersion: version, rowObject: rowObject))
        }
    }

    func create(_ request: inout Request, namespace: String) async throws -> Response {
        let body = try await object(in: &request)
        let outcome = try await admitted.create(namespace: namespace, body: body, options: try WriteOptions(QueryParameters(request.uri.query)))
        return .json(outcome.object, status: .created, warnings: outcome.warnings)
    }

    func replace(_ request: inout Request, namespace: String, name: String) async throws -> Response {
        let body = try await object(in: &request)
        let options = try WriteOptions(QueryParameters(request.uri.query))
        let outcome = try await admitted.update(
            namespace: namespace, name: name, options: options,
            try operations.replacement(namespace: namespace, name: name, body: body, options: options))
        return .json(outcome.object, warnings: outcome.warnings)
    }

    func patch(_ request: inout Request, namespace: String, name: String) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard let type = PatchType(rawValue: Self.mediaType(contentType)) else {
            throw APIError.unsupportedMediaType(contentType, accepted: [PatchType.json, .merge, .strategicMerge].map(\.rawValue))
        }
        let buffer = try await request.collectBody(upTo: Self.maximumBodyBytes)
        let patch = try Self.parse(Data(buffer: buffer))
        let options = try WriteOptions(QueryParameters(request.uri.query))
        let outcome = try await admitted.update(
            namespace: namespace, name: name, options: options,
            operations.patching(namespace: namespace, name: name, type: type, patch: patch, options: options))
        return .json(outcome.object, warnings: outcome.warnings)
    }

    func delete(_ request: inout Request, namespace: String, name: String) async throws -> Response {
        let buffer = try await request.collectBody(upTo: Self.maximumBodyBytes)
        let options = buffer.readableBytes == 0 ? nil : try Self.parse(Data(buffer: buffer))
        let outcome = try await admitted.delete(
            namespace: namespace, name: name, preconditions: .init(deleteOptions: options),
            options: try WriteOptions(QueryParameters(request.uri.query)))
        return .json(outcome.object, warnings: outcome.warnings)
    }

    /// An object body, as JSON or, where the kind has a protobuf message, as protobuf.
    private func object(in request: inout Request) async throws -> Document {
        let contentType = request.headers[.contentType] ?? "application/json"
        let mediaType = Self.mediaType(contentType)
        let protobuf = mediaType == Protobuf.mediaType ? resource.protobufMessage : nil
        guard mediaType == "application/json" || protobuf != nil else {
            let accepted = ["application/json"] + (resource.protobufMessage == nil ? [] : [Protobuf.mediaType])
            throw APIError.unsupportedMediaType(contentType, accepted: accepted)
        }
        let data = Data(buffer: try await request.collectBody(upTo: Self.maximumBodyBytes))
        guard let protobuf else { return try Self.parse(data) }
        do {
            return try Protobuf.decodeObject(data, as: protobuf, apiVersion: resource.name.groupVersion, kind: resource.name.kind)
        } catch {
            throw APIError.badRequest("the body of the request could not be decoded as protobuf: \(error.message)")
        }
    }

    private static func mediaType(_ contentType: String) -> String {
        contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    private static func parse(_ data: Data) throws(APIError) -> Document {
        do {
            return try Document.parse(data)
        } catch {
            throw .badRequest("the body of the request could not be decoded as JSON: \(error.message)")
        }
    }
}
