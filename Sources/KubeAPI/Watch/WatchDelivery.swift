/// What the watcher hands the agent: the ConfigMap's current state.
public enum WatchDelivery: Sendable, Equatable {
    /// The ConfigMap exists with this content.
    case applied(ConfigMapObject)
    /// The ConfigMap does not exist as of this resource version (never created, or deleted).
    case absent(resourceVersion: String)

    public var resourceVersion: String {
        switch self {
        case .applied(let object): object.resourceVersion
        case .absent(let version): version
        }
    }
}
