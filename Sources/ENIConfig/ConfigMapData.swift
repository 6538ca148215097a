/// The part of an `eni-config` ConfigMap this project reads, however it arrived
/// (API watch, manifest file, mounted directory). Only our keys' values are kept:
/// the other keys may hold cloud credentials (`eni_conf`) and must never be logged or reported.
public struct ConfigMapData: Sendable, Hashable {
    public static let confKey = "10-terway.conf"
    public static let conflistKey = "10-terway.conflist"
    public static let ourKeys: Set<String> = [confKey, conflistKey]

    /// `10-terway.conf` text, if present in `data`.
    public var conf: String?
    /// `10-terway.conflist` text, if present in `data`.
    public var conflist: String?
    /// Which of our keys were found in `binaryData` instead of `data` (an error the operator must fix).
    public var ourKeysInBinaryData: Set<String>
    /// `metadata.resourceVersion`, when the source had one.
    public var resourceVersion: String?

    public init(conf: String?, conflist: String?, ourKeysInBinaryData: Set<String> = [], resourceVersion: String? = nil) {
        self.conf = conf
        self.conflist = conflist
        self.ourKeysInBinaryData = ourKeysInBinaryData
        self.resourceVersion = resourceVersion
    }

    /// Keeps our keys from a full `data` map and drops the rest.
    public init(data: [String: String], binaryDataKeys: some Sequence<String> = [], resourceVersion: String? = nil) {
        self.init(
            conf: data[Self.confKey],
            conflist: data[Self.conflistKey],
            ourKeysInBinaryData: Set(binaryDataKeys).intersection(Self.ourKeys),
            resourceVersion: resourceVersion
        )
    }
}
