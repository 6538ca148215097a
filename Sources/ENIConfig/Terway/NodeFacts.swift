/// What Terway's renderer probes on the node, read at the edge (`--host-root`) and handed to the
/// pure render. Each field names the Terway probe it stands for (`cmd/terway-cli/cni_linux.go`).
public struct NodeFacts: Sendable, Hashable {
    /// The kernel release (`uname -r`, `/proc/sys/kernel/osrelease`): `checkKernelVersion`.
    public var kernelRelease: String
    /// Whether the link `cilium_net` exists: `netlink.LinkByName("cilium_net")`.
    public var hasCiliumNetLink: Bool
    /// eth0's MTU (`detectMTU`); nil when there is no eth0, and Terway then uses 1500.
    public var eth0MTU: Int?
    /// Terway's sticky state, `/var/run/eni/node_capabilities`.
    public var capabilities: NodeCapabilities
    /// `canUseHostRouting`: Cilium's `node_config.h` is absent or defines `ENABLE_HOST_ROUTING`.
    public var ciliumHostRoutingAllowed: Bool
    /// Terway's `AutoDataPathV2` feature gate (on by default in Terway).
    public var autoDataPathV2: Bool

    public init(
        kernelRelease: String, hasCiliumNetLink: Bool = false, eth0MTU: Int? = 1500,
        capabilities: NodeCapabilities = NodeCapabilities(), ciliumHostRoutingAllowed: Bool = true,
        autoDataPathV2: Bool = true
    ) {
        self.kernelRelease = kernelRelease
        self.hasCiliumNetLink = hasCiliumNetLink
        self.eth0MTU = eth0MTU
        self.capabilities = capabilities
        self.ciliumHostRoutingAllowed = ciliumHostRoutingAllowed
        self.autoDataPathV2 = autoDataPathV2
    }

    /// Exclusive-ENI nodes get a fixed config from `terway-cli nodeconfig`, not the chain.
    public var isExclusiveENINode: Bool { capabilities[NodeCapabilities.exclusiveENI] == "eniOnly" }
}

/// Terway's node_capabilities file: `key = value` lines of an INI file's default section
/// (go-ini, as `pkg/utils/nodecap` loads it). Terway reads `datapath` and `has_cilium_chainer`
/// for the render and `cni_exclusive_eni` for the fixed exclusive-ENI config.
public struct NodeCapabilities: Sendable, Hashable {
    public static let datapath = "datapath"
    public static let hasCiliumChainer = "has_cilium_chainer"
    public static let exclusiveENI = "cni_exclusive_eni"

    private var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// Parses the file as go-ini does for the keys Terway writes: comments (`#`, `;`) and
    /// blank lines skipped, keys before the first `[section]` only, `=` or `:` as separator,
    /// white space trimmed, one pair of surrounding quotes removed; the last of a repeated key wins.
    public init(iniText: String) {
        var values: [String: String] = [:]
        for rawLine in iniText.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.trimmingASCIIWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") { break }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<separator].trimmingASCIIWhitespace
            var value = line[line.index(after: separator)...].trimmingASCIIWhitespace
            for quote in ["\"", "'", "`"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
                value = String(value.dropFirst().dropLast())
                break
            }
            if !key.isEmpty { values[key] = value }
        }
        self.values = values
    }

    public subscript(key: String) -> String? { values[key] }
}

extension StringProtocol {
    var trimmingASCIIWhitespace: String {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
