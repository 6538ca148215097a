import Foundation
import Hummingbird

/// The sandbox's routes: health, version, discovery, OpenAPI, and the resource endpoints under
/// `/api/v1` and `/apis/<group>/<version>`, behind recording, Status rendering, latency,
/// authentication and fault injection (in that order, outermost first).
struct SandboxRouter {
    let store: ObjectStore
    let controls: SandboxControls
    let catalog: ResourceCatalog
    let webhooks: AdmissionWebhooks
    let watchLimits: ResourceEndpoints.WatchLimits
    /// `host:port` as clients reach it, for `/api`'s serverAddressByClientCIDRs.
    let serverAddress: @Sendable () -> String

    func build() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestRecordingMiddleware(controls: controls))
        router.add(middleware: StatusResponseMiddleware())
        router.add(middleware: LatencyMiddleware(controls: controls))
        router.add(middleware: AuthenticationMiddleware(controls: controls))
        router.add(middleware: FaultInjectionMiddleware(controls: controls))

        for path in ["/healthz", "/readyz", "/livez"] {
            router.get(RouterPath(path)) { _, _ in Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok"))) }
        }
        addDiscovery(to: router)
        addOpenAPI(to: router)
        addNamespaces(to: router)
        addResources(to: router, prefix: "/api/v1", groupVersion: "v1")
        for group in catalog.groups {
            for groupVersion in catalog.groupVersions(of: group) {
                addResources(to: router, prefix: "/apis/\(groupVersion)", groupVersion: groupVersion)
            }
        }
        return router
    }

    private func addDiscovery(to router: Router<BasicRequestContext>) {
        let discovery = DiscoveryDocuments(catalog: catalog)
        router.get("/version") { _, _ in Response.json(DiscoveryDocuments.version) }
        router.get("/api") { _, _ in Response.json(discovery.coreVersions(serverAddress: serverAddress())) }
        router.get("/apis") { _, _ in Response.json(discovery.groupList) }
        router.get("/api/v1") { _, _ in Response.json(discovery.resourceList(groupVersion: "v1") ?? .null) }
        // One route per served group: parameter routes would lose to the resource routes'
        // constant prefixes in the router's trie.
        for group in catalog.groups {
            router.get(RouterPath("/apis/\(group)")) { _, _ in Response.json(discovery.group(group) ?? .null) }
            for groupVersion in catalog.groupVersions(of: group) {
                router.get(RouterPath("/apis/\(groupVersion)")) { _, _ in
                    Response.json(discovery.resourceList(groupVersion: groupVersion) ?? .null)
                }
            }
        }
    }

    private func addOpenAPI(to router: Router<BasicRequestContext>) {
        let openAPI = OpenAPIDocuments(catalog: catalog)
        router.get("/openapi/v3") { _, _ in Response.json(openAPI.root) }
        router.get("/openapi/v3/**") { request, _ in
            let path = String(request.uri.path.dropFirst("/openapi/v3/".count))
            guard let document = openAPI.document(at: path) else { throw APIError.pathNotFound }
            return Response.json(document)
        }
    }

    private func addNamespaces(to router: Router<BasicRequestContext>) {
        let namespaces = Namespaces(store: store, createdAt: KubeTime.format(Date()))
        router.get("/api/v1/namespaces") { _, _ in Response.json(namespaces.list()) }
        router.get("/api/v1/namespaces/:namespace") { _, context in
            Response.json(try namespaces.get(try context.parameters.require("namespace")))
        }
    }

    private func addResources(to router: Router<BasicRequestContext>, prefix: String, groupVersion: String) {
        /// The resource a path names, if it is served there: namespaced ones under
        /// `namespaces/<ns>/` (and listed across namespaces), cluster-scoped ones directly.
        let endpoints = { @Sendable (context: BasicRequestContext, namespaced: Bool?) throws -> ResourceEndpoints in
            let plural = try context.parameters.require("resource")
            guard let resource = catalog.resource(groupVersion: groupVersion, plural: plural),
                  namespaced.map({ $0 == resource.isNamespaced }) ?? true
            else { throw APIError.pathNotFound }
            return ResourceEndpoints(
                operations: ResourceOperations(store: store, resource: resource), webhooks: webhooks, watchLimits: watchLimits)
        }
        router.get("\(prefix)/:resource") { request, context in
            try endpoints(context, nil).list(request, namespace: nil)
        }
        let collection = "\(prefix)/namespaces/:namespace/:resource"
        router.get(RouterPath(collection)) { request, context in
            try endpoints(context, true).list(request, namespace: try context.parameters.require("namespace"))
        }
        let item = "\(collection)/:name"
        addWrites(to: router, collection: collection, item: item) { context in
            (try endpoints(context, true), try context.parameters.require("namespace"))
        }
        let clusterCollection = "\(prefix)/:resource"
        addWrites(to: router, collection: clusterCollection, item: "\(clusterCollection)/:name") { context in
            (try endpoints(context, false), "")
        }
    }

    /// Create on the collection; get, replace, patch and delete on an item. `target` resolves
    /// the endpoints and the namespace ("" for cluster-scoped resources).
    private func addWrites(
        to router: Router<BasicRequestContext>, collection: String, item: String,
        target: @escaping @Sendable (BasicRequestContext) throws -> (ResourceEndpoints, String)
    ) {
        router.post(RouterPath(collection)) { request, context in
            var request = request
            let (endpoints, namespace) = try target(context)
            return try await endpoints.create(&request, namespace: namespace)
        }
        router.get(RouterPath(item)) { request, context in
            let (endpoints, namespace) = try target(context)
            return try endpoints.get(request, namespace: namespace, name: try context.parameters.require("name"))
        }
        router.put(RouterPath(item)) { request, context in
            var request = request
            let (endpoints, namespace) = try target(context)
            return try await endpoints.replace(&request, namespace: namespace, name: try context.parameters.require("name"))
        }
        router.patch(RouterPath(item)) { request, context in
            var request = request
            let (endpoints, namespace) = try target(context)
            return try await endpoints.patch(&request, namespace: namespace, name: try context.parameters.require("name"))
        }
        router.delete(RouterPath(item)) { request, context in
            var request = request
            let (endpoints, namespace) = try target(context)
            return try await endpoints.delete(&request, namespace: namespace, name: try context.parameters.require("name"))
        }
        // Verbs the apiserver knows but these resources do not serve here (deletecollection,
        // create on an item) answer 405, not 404.
        let unsupported: [(String, [HTTPRequest.Method])] = [(collection, [.put, .patch, .delete]), (item, [.post])]
        for (path, methods) in unsupported {
            for method in methods {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw APIError.methodNotAllowed(request.method.rawValue)
                }
            }
        }
    }
}
