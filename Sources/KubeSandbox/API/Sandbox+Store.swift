/// Direct store access for tests and benchmarks: the same validation and watch events as the
/// HTTP API, without a round trip.
extension Sandbox {
    private var configMaps: ResourceOperations {
        ResourceOperations(store: store, resource: ConfigMapResource())
    }

    /// Creates or updates the objects of a manifest (YAML or JSON, one or several documents, or
    /// a List): ConfigMaps, Nodes, Pods, DaemonSets. Namespaced objects without a namespace go
    /// to `default`. Returns the ConfigMaps.
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
