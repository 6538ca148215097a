import Foundation

/// Direct store access for tests and benchmarks: the same validation and watch events as the
/// HTTP API, without a round trip.
extension Sandbox {
    private var configMaps: ResourceOperations {
        ResourceOperations(store: store, resource: ConfigMapResource())
    }

    /// Creates or updates the objects of a manifest (YAML or JSON, one or several documents, or
    /// a List) of any kind the sandbox serves; namespaced objects without a namespace go to
    /// `default`. Returns the ConfigMaps among them. Like a write to etcd, this is not reviewed
    /// by admission webhooks.
    @discardableResult
    public func seed(manifest: String) throws -> [SandboxConfigMap] {
        var seeded: [SandboxConfigMap] = []
        for (resource, object) in try SeedManifest.objects(in: manifest, catalog: catalog) {
            let namespace = resource.isNamespaced ? object[path: ["metadata", "namespace"]]?.stringValue ?? "default" : ""
            let written = try write(object, namespace: namespace, through: ResourceOperations(store: store, resource: resource))
            if resource.storage == .configMaps { seeded.append(SandboxConfigMap(written)) }
        }
        return seeded
    }

    /// Any stored object as its API serves it (JSON), nil when absent; `namespace` nil for
    /// cluster-scoped kinds.
    public func objectJSON(apiVersion: String, kind: String, namespace: String?, name: String) -> Data? {
        guard let resource = catalog.resources(in: apiVersion).first(where: { $0.name.kind == kind }) else { return nil }
        return (try? ResourceOperations(store: store, resource: resource).get(namespace: namespace ?? "", name: name))?.encoded()
    }

    /// Creates the ConfigMap, or replaces the stored one. With a `resourceVersion` set, the
    /// replace happens only if it is still current (409 otherwise).
    @discardableResult
    public func apply(_ configMap: SandboxConfigMap) throws -> SandboxConfigMap {
        SandboxConfigMap(try write(configMap.document, namespace: configMap.namespace, through: configMaps))
    }

    public func configMap(namespace: String, name: String) -> SandboxConfigMap? {
        (try? configMaps.get(namespace: namespace, name: name)).map(SandboxConfigMap.init)
    }

    /// Read-modify-write of one ConfigMap, conditional on the version read.
    @discardableResult
    public func updateConfigMap(
        namespace: String, name: String, _ change: (inout SandboxConfigMap) -> Void
    ) throws -> SandboxConfigMap {
        guard var configMap = configMap(namespace: namespace, name: name) else {
            throw SandboxError(.notFound(ConfigMapResource().name, name))
        }
        change(&configMap)
        return try apply(configMap)
    }

    public func deleteConfigMap(namespace: String, name: String) throws {
        do {
            _ = try configMaps.delete(namespace: namespace, name: name, preconditions: .init(), options: .init())
        } catch {
            throw SandboxError(error)
        }
    }

    /// Events held, oldest first, in `events.k8s.io/v1` form whichever API posted them.
    public func events(namespace: String? = nil) -> [SandboxEvent] {
        func version(_ event: Document) -> Int64 {
            event[path: ["metadata", "resourceVersion"]]?.stringValue.flatMap { Int64($0) } ?? 0
        }
        let resource = EventsV1Resource()
        return store.list(.events, namespace: namespace) { _ in true }.items
            .sorted { version($0) < version($1) }
            .map { SandboxEvent(resource.fromStorage($0)) }
    }

    private func write(_ object: Document, namespace: String, through operations: ResourceOperations) throws -> Document {
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        let options = WriteOptions(dryRun: false, fieldValidation: .strict)
        do {
            do {
                return try operations.create(namespace: namespace, body: object, options: options).object
            } catch where error.reason == "AlreadyExists" {
                return try operations.replace(namespace: namespace, name: name, body: object, options: options).object
            }
        } catch {
            throw SandboxError(error)
        }
    }
}
