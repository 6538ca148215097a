/// The discovery documents `kubectl` reads before anything else: `/version`, `/api`, `/apis` and
/// one resource list per group version. Served in the non-aggregated form: a client asking for
/// aggregated discovery (`as=APIGroupDiscoveryList`) accepts plain JSON and falls back, as
/// client-go does against any server that does not answer with the aggregated media type.
struct DiscoveryDocuments: Sendable {
    let catalog: ResourceCatalog

    /// The Kubernetes release the sandbox imitates; the kubectl dispatcher picks its client by it.
    static let gitVersion = "v1.32.4"

    static let version: Document = .object([
        "major": "1", "minor": "32", "gitVersion": .string(gitVersion),
        "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335", "gitTreeState": "clean",
        "buildDate": "2025-04-22T16:02:27Z", "goVersion": "go1.23.6", "compiler": "gc", "platform": "linux/amd64",
    ])

    static let verbs: [String] = ["create", "delete", "get", "list", "patch", "update", "watch"]

    func coreVersions(serverAddress: String) -> Document {
        .object([
            "kind": "APIVersions", "versions": .array(["v1"]),
            "serverAddressByClientCIDRs": .array([.object(["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)])]),
        ])
    }

    var groupList: Document {
        .object(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(catalog.groups.compactMap(group))])
    }

    func group(_ name: String) -> Document? {
        guard let version = catalog.resources.first(where: { $0.name.group == name })?.name.version else { return nil }
        let groupVersion: Document = .object(["groupVersion": .string("\(name)/\(version)"), "version": .string(version)])
        return .object([
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(name),
            "versions": .array([groupVersion]), "preferredVersion": groupVersion,
        ])
    }

    func resourceList(groupVersion: String) -> Document? {
        let resources = catalog.resources(in: groupVersion)
        guard !resources.isEmpty else { return nil }
        let namespaces = groupVersion == "v1" ? [Namespaces.discoveryEntry] : []
        return .object([
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion),
            "resources": .array(namespaces + resources.map { resource in
                .object([
                    "name": .string(resource.name.plural), "singularName": .string(resource.name.singular),
                    "namespaced": .bool(resource.isNamespaced), "kind": .string(resource.name.kind),
                    "verbs": .array(Self.verbs.map(Document.string)),
                    "shortNames": .array(resource.name.shortNames.map(Document.string)),
                ])
            }),
        ])
    }
}
