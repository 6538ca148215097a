/// Where a resource is served: the names discovery advertises and error messages use.
struct ResourceName: Sendable, Hashable {
    var group: String
    var version: String
    var plural: String
    var singular: String
    var kind: String
    var shortNames: [String]

    var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}

/// The kinds of object the store keeps. Core and `events.k8s.io` Events share one storage, as
/// on a real cluster: an Event posted through one API is listed by the other.
enum StorageKind: Sendable, Hashable {
    case configMaps
    case events
    case secrets
    case validatingWebhookConfigurations
}

/// One resource endpoint (`/api/v1/.../configmaps`, `/apis/events.k8s.io/v1/.../events`...):
/// how its wire form maps to storage, what it accepts, what it can be selected by, how it prints.
protocol ServedResource: Sendable {
    var name: ResourceName { get }
    var storage: StorageKind { get }
    /// False for cluster-scoped resources, served without a namespace in the path.
    var isNamespaced: Bool { get }
    /// The fields this version knows; anything else is an unknown field (dropped, warned or rejected).
    var schema: FieldSchema { get }
    var table: TableLayout { get }
    /// The protobuf message of this kind, for request bodies sent as protobuf; nil: JSON only.
    var protobufMessage: Protobuf.Message? { get }

    /// The wire form of this version into the stored form.
    func toStorage(_ object: Document) -> Document
    /// The stored form into this version's wire form.
    func fromStorage(_ object: Document) -> Document
    /// The apiserver's validation of a create (`old == nil`) or an update, on the stored form.
    func validate(_ object: Document, old: Document?) -> [APIError.Cause]
    /// The value a field selector label reads, or nil when this resource does not support the label.
    func fieldValue(_ label: String, of stored: Document) -> String?
}

extension ServedResource {
    var apiVersion: String { name.groupVersion }

    var protobufMessage: Protobuf.Message? { nil }

    var isNamespaced: Bool { true }

    /// The metadata labels every resource supports in field selectors.
    func metadataFieldValue(_ label: String, of stored: Document) -> String? {
        switch label {
        case "metadata.name": stored[path: ["metadata", "name"]]?.stringValue ?? ""
        case "metadata.namespace": stored[path: ["metadata", "namespace"]]?.stringValue ?? ""
        default: nil
        }
    }
}

/// The resources this sandbox serves, by API group version.
struct ResourceCatalog: Sendable {
    let resources: [any ServedResource] = [
        ConfigMapResource(), SecretResource(), CoreEventResource(), EventsV1Resource(), ValidatingWebhookConfigurationResource(),
    ]

    func resource(groupVersion: String, plural: String) -> (any ServedResource)? {
        resources.first { $0.name.groupVersion == groupVersion && $0.name.plural == plural }
    }

    func resources(in groupVersion: String) -> [any ServedResource] {
        resources.filter { $0.name.groupVersion == groupVersion }
    }

    /// Every served group version, core first, in catalog order.
    var groupVersions: [String] {
        unique(resources.map(\.name.groupVersion))
    }

    func groupVersions(of group: String) -> [String] {
        unique(resources.filter { $0.name.group == group }.map(\.name.groupVersion))
    }

    /// The API groups besides core.
    var groups: [String] {
        unique(resources.map(\.name.group).filter { !$0.isEmpty })
    }

    private func unique(_ names: [String]) -> [String] {
        var seen: [String] = []
        for name in names where !seen.contains(name) { seen.append(name) }
        return seen
    }
}
