/// The part of an `eni-config` ConfigMap this project reads, however it arrived (API watch,
/// manifest file, mounted directory). Only the values of our keys and of Terway's
/// `disable_network_policy` flag are kept: the other keys may hold cloud credentials
/// (`eni_conf`) and must never be logged or reported, so of `eni_conf` only its presence is kept.
public struct ConfigMapData: Sendable, Hashable {
    public static let confKey = "10-terway.conf"
    public static let conflistKey = "10-terway.conflist"
    public static let ourKeys: Set<String> = [confKey, conflistKey]
    /// Terway's daemon configuration; it can carry `access_key` / `access_secret`. Never read.
    public static let eniConfKey = "eni_conf"
    /// Terway's switch for network policy, an input of its datapath decision.
    public static let disableNetworkPolicyKey = "disable_network_policy"
    /// Every key whose value this project reads.
    public static let readKeys: Set<String> = ourKeys.union([disableNetworkPolicyKey])

    /// `10-terway.conf` text, if present in `data`.
    public var conf: String?
    /// `10-terway.conflist` text, if present in `data`.
    public var conflist: String?
    /// `disable_network_policy` exactly as stored (Terway compares the bytes).
    public var disableNetworkPolicy: String?
    /// Whether `eni_conf` exists, which Terway's init requires.
    public var hasENIConf: Bool
    /// Which of our keys were found in `binaryData` instead of `data` (an error the operator must fix).
    public var ourKeysInBinaryData: Set<String>
    /// `metadata.resourceVersion`, when the source had one.
    public var resourceVersion: String?

    /// `hasENIConf` defaults to true: every ConfigMap Terway's install creates has the key.
    public init(
        conf: String?, conflist: String?, disableNetworkPolicy: String? = nil, hasENIConf: Bool = true,
        ourKeysInBinaryData: Set<String> = [], resourceVersion: String? = nil
    ) {
        self.conf = conf
        self.conflist = conflist
        self.disableNetworkPolicy = disableNetworkPolicy
        self.hasENIConf = hasENIConf
        self.ourKeysInBinaryData = ourKeysInBinaryData
        self.resourceVersion = resourceVersion
    }

    /// Keeps what it reads from a full `data` map and drops the rest. A key in `binaryData` is
    /// still a file in Terway's mount, so `eni_conf` there counts as present.
    public init(data: [String: String], binaryDataKeys: some Sequence<String> = [], resourceVersion: String? = nil) {
        let binaryKeys = Set(binaryDataKeys)
        self.init(
            conf: data[Self.confKey],
            conflist: data[Self.conflistKey],
            disableNetworkPolicy: data[Self.disableNetworkPolicyKey],
            hasENIConf: data[Self.eniConfKey] != nil || binaryKeys.contains(Self.eniConfKey),
            ourKeysInBinaryData: binaryKeys.intersection(Self.ourKeys),
            resourceVersion: resourceVersion
        )
    }
}
