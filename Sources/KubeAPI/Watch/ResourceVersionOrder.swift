/// How two resource versions relate. The API calls them opaque, but every real
/// apiserver hands out etcd revisions, which compare as integers; a version that is
/// not an integer cannot be ordered, and the watcher relists rather than guess.
public enum ResourceVersionOrder: Equatable {
    case older
    case same
    case newer
    case incomparable

    /// How `version` relates to `reference`.
    public init(_ version: String, comparedTo reference: String) {
        guard let value = Self.integer(version), let referenceValue = Self.integer(reference) else {
            self = version == reference ? .same : .incomparable
            return
        }
        self = value < referenceValue ? .older : value == referenceValue ? .same : .newer
    }

    /// Digits only: no sign, no spaces, as etcd revisions are written.
    private static func integer(_ version: String) -> UInt64? {
        guard !version.isEmpty, version.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return UInt64(version)
    }
}
