/// The network name Terway has always written; runtimes key per-network state (IPAM
/// allocations, GC) by it, so every node must keep it.
public let renderedNetworkName = "terway-chainer"

/// Terway's own render of the ConfigMap for one node: `terway-cli cni` (`processInput` and
/// `mergeConfigList` in `cmd/terway-cli/cni.go`, Terway main at 89aadf8b), byte for byte, so
/// that this agent and terwayd never disagree about the node file. See docs/terway-render.md.
///
/// It renders what Terway would render, whatever this project's rules say: the agent also
/// needs Terway's render of a version it rejects, to recognise it when terwayd copies it.
public enum TerwayRender {
    public static let cniVersion = "0.4.0"

    public static func render(_ data: ConfigMapData, on node: NodeFacts) -> Result<RenderedConflist, TerwayRenderFailure> {
        render(data, parsed: nil, on: node)
    }

    /// - Parameter parsed: the chain's document (`10-terway.conflist`, else `10-terway.conf`)
    ///   when the caller has parsed it already.
    static func render(_ data: ConfigMapData, parsed: ParsedDocument?, on node: NodeFacts) -> Result<RenderedConflist, TerwayRenderFailure> {
        Result { () throws(TerwayRenderFailure) in try renderOrThrow(data, parsed: parsed, on: node) }
    }

    private static func renderOrThrow(_ data: ConfigMapData, parsed: ParsedDocument?, on node: NodeFacts) throws(TerwayRenderFailure) -> RenderedConflist {
        // getAllConfig: both files must exist.
        guard let conf = data.conf else {
            throw TerwayRenderFailure(.confMissing, key: ConfigMapData.confKey, "\(ConfigMapData.confKey) is missing, and Terway's init fails without it")
        }
        guard data.hasENIConf else {
            throw TerwayRenderFailure(.eniConfMissing, key: ConfigMapData.eniConfKey, "\(ConfigMapData.eniConfKey) is missing, and Terway's init fails without it")
        }
        let key = data.conflist == nil ? ConfigMapData.confKey : ConfigMapData.conflistKey
        let root: JSONNode
        if let parsed {
            root = parsed.root
        } else {
            do {
                root = try JSONParser.parse(data.conflist ?? conf)
            } catch {
                throw TerwayRenderFailure(.jsonSyntax, key: key, at: error.position, "invalid JSON: \(error.message)")
            }
        }
        let configs = try chainConfigs(root, key: key)

        guard let kernel = KernelRelease(node.kernelRelease), kernel.isAtLeast(5, 10, 0) else {
            throw TerwayRenderFailure(
                .nodeKernel,
                "this node's kernel \(node.kernelRelease.debugDescription) is older than 5.10, which Terway requires (terway-cli cni: \"unsupport kernel version, require >=5.10\"); upgrade the node's OS image")
        }
        // EDT is bpf_skb_ecn_set_ce, a helper of Linux 5.1 and later: Terway asks bpftool, which an
        // unprivileged agent cannot run, and every kernel that passes the check above has it.
        let features = TerwayFeatures(
            ebpf: kernel.isAtLeast(4, 19, 0), edt: kernel.isAtLeast(5, 1, 0),
            networkPolicyEnabled: networkPolicyEnabled(disableNetworkPolicy: data.disableNetworkPolicy))
        let document = try mergeConfigList(configs, key: key, features: features, node: node)
        let sizeHint = (data.conflist ?? conf).utf8.count * 5 / 4
        let bytes = GoJSON.marshalIndent(.object(document), sizeHint: sizeHint)
        let types = document["plugins"]?.value.arrayValue?.map { $0.value.objectValue?["type"]?.value.stringValue ?? "" } ?? []
        return RenderedConflist(bytes: bytes, pluginTypes: types)
    }

    /// `processInput`: the plugins of a list, or the document itself as the only plugin.
    private static func chainConfigs(_ root: JSONNode, key: String) throws(TerwayRenderFailure) -> [PluginConfig] {
        guard let plugins = root.value.objectValue?["plugins"] else {
            return [PluginConfig(node: root, path: .root)]
        }
        // Terway walks a non-array "plugins" in Go's random map order, or not at all: no
        // render to reproduce. Validation rejects it anyway.
        guard let elements = plugins.value.arrayValue else {
            throw TerwayRenderFailure(.listPlugins, key: key, path: .root.appending("plugins"), at: plugins.position, "\"plugins\" must be an array")
        }
        let base = JSONPath.root.appending("plugins")
        return elements.enumerated().map { PluginConfig(node: $1, path: base.appending($0)) }
    }

    /// getAllConfig: `disable_network_policy` disables the policy unless it is "false", "0" or
    /// empty, compared byte for byte (so "false\n" disables it, as in Terway).
    static func networkPolicyEnabled(disableNetworkPolicy: String?) -> Bool {
        guard let text = disableNetworkPolicy else { return true }
        return text == "false" || text == "0" || text == ""
    }
}

/// One element of the chain and where it stands, for failures that point at it.
struct PluginConfig {
    let node: JSONNode
    let path: JSONPath
}

/// What `processInput` measures before `mergeConfigList`: the kernel's eBPF and EDT support,
/// and whether network policy is enabled (`disable_network_policy`).
struct TerwayFeatures: Hashable {
    var ebpf: Bool
    var edt: Bool
    var networkPolicyEnabled: Bool
}

private enum Datapath: String {
    case veth
    case ipvlan
    case v2 = "datapathv2"
}

/// `mergeConfigList`, step for step: the order of its checks and the state it carries from one
/// plugin to the next (the datapath, the policy provider, EDT) are Terway's.
func mergeConfigList(
    _ configs: [PluginConfig], key: String, features: TerwayFeatures, node: NodeFacts
) throws(TerwayRenderFailure) -> JSONObject {
    var edtSupport = features.edt
    var requireEBPFChainer = false
    var ebpfChainerExists = false
    var datapath: Datapath?
    var networkPolicyProvider = "iptables"
    var plugins: [JSONNode] = []

    for config in configs {
        guard case .object(var plugin) = config.node.value, case .string(let pluginType)? = plugin["type"]?.value else {
            throw TerwayRenderFailure(
                .pluginType, key: key, path: config.path.appending("type"), at: (config.node.value.objectValue?["type"] ?? config.node).position,
                "Terway's init fails here (\"type not found\"): every plugin needs a string \"type\"")
        }
        plugin.remove("cniVersion")
        plugin.remove("name")

        switch pluginType {
        case "cilium-cni":
            // Terway keeps a cilium-cni entry only where eBPF works, and gives it the datapath
            // decided so far: "" when it comes before the terway plugin.
            guard features.ebpf else { continue }
            requireEBPFChainer = true
            ebpfChainerExists = true
            plugin.set("datapath", .string(datapath?.rawValue ?? ""))

        case "terway":
            if let provider = plugin["network_policy_provider"] {
                guard case .string(let text) = provider.value else {
                    throw TerwayRenderFailure(
                        .terwayField, key: key, path: config.path.appending("network_policy_provider"), at: provider.position,
                        "Terway's init fails here (\"network_policy_provider type error\"): set it to the string \"iptables\" or \"ebpf\"")
                }
                networkPolicyProvider = text
            }
            let virtualType = plugin["eniip_virtual_type"]?.value.stringValue ?? Datapath.veth.rawValue
            if !features.ebpf {
                plugin.remove("eniip_virtual_type")
            } else {
                switch goASCIILowercased(virtualType) {
                case "veth", "":
                    datapath = .veth
                    if networkPolicyProvider == "ebpf",
                        node.allowsEBPFNetworkPolicy(required: features.networkPolicyEnabled), node.ciliumHostRoutingAllowed
                    {
                        datapath = .v2
                    }
                case "ipvlan":
                    guard node.switchesToDataPathV2 else {
                        let place = plugin["eniip_virtual_type"]
                        throw TerwayRenderFailure(
                            .nodeDatapath, key: key, path: config.path.appending("eniip_virtual_type"), at: place?.position,
                            "Terway's init fails on this node (\"ipvlan is unsupported\"): it moves ipvlan to datapathv2 only with its AutoDataPathV2 gate on and where cilium_net is absent or the node already runs datapathv2; set \"eniip_virtual_type\": \"datapathv2\"")
                    }
                    datapath = .v2
                case "datapathv2":
                    datapath = .v2
                default:
                    break
                }
                switch datapath {
                case .veth:
                    edtSupport = false
                    requireEBPFChainer = node.hasCiliumChainer
                case .ipvlan, .v2:
                    requireEBPFChainer = true
                case nil:
                    let place = plugin["eniip_virtual_type"]
                    throw TerwayRenderFailure(
                        .terwayField, key: key, path: config.path.appending("eniip_virtual_type"), at: place?.position,
                        "Terway's init fails here (\"invalid datapath\"): \"eniip_virtual_type\" must be \"veth\", \"ipvlan\" or \"datapathv2\"")
                }
                plugin.set("eniip_virtual_type", .string(datapath!.rawValue))
                plugin.set("bandwidth_mode", .string(edtSupport ? "edt" : "tc"))
            }
            if case .bool(let autoMTU)? = plugin["auto_mtu"]?.value {
                plugin.remove("auto_mtu")
                if autoMTU, plugin["mtu"] == nil {
                    plugin.set("mtu", .number(JSONNumber(literal: String(node.detectedMTU))))
                }
            }

        default:
            break
        }
        plugins.append(JSONNode(.object(plugin), at: config.node.position))
    }

    if features.ebpf && requireEBPFChainer && !ebpfChainerExists {
        plugins.append(rendered(.object(JSONObject(rendered: [
            ("type", .string("cilium-cni")),
            ("enable-debug", .bool(false)),
            ("log-file", .string("/var/run/cilium/cilium-cni.log")),
            ("data-path", .string(datapath?.rawValue ?? "")),
        ]))))
    }
    return JSONObject(rendered: [
        ("cniVersion", .string(TerwayRender.cniVersion)),
        ("name", .string(renderedNetworkName)),
        ("plugins", .array(plugins)),
    ])
}

extension NodeFacts {
    /// `switchDataPathV2`.
    var switchesToDataPathV2: Bool {
        autoDataPathV2 && (capabilities[NodeCapabilities.datapath] == "datapathv2" || !hasCiliumNetLink)
    }

    /// `allowEBPFNetworkPolicy`: the sticky has_cilium_chainer first, then cilium_net, then what the operator asked for.
    func allowsEBPFNetworkPolicy(required: Bool) -> Bool {
        stickyCiliumChainer ?? (hasCiliumNetLink || required)
    }

    /// `hasCilium`.
    var hasCiliumChainer: Bool { stickyCiliumChainer ?? hasCiliumNetLink }

    private var stickyCiliumChainer: Bool? {
        switch capabilities[NodeCapabilities.hasCiliumChainer] {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// `detectMTU`: eth0's MTU, 1500 without eth0 or with a nonsensical one.
    var detectedMTU: Int { eth0MTU.flatMap { $0 > 0 ? $0 : nil } ?? 1500 }
}

/// Go's `strings.ToLower` as far as it can matter here: only compared with "veth", "ipvlan" and
/// "datapathv2". Unlike Swift's full case mapping, Go maps U+0130 (İ) to a plain "i".
func goASCIILowercased(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
        switch scalar {
        case "A"..."Z": Unicode.Scalar(scalar.value + 32)!
        case "\u{130}": "i"
        default: scalar
        }
    }))
}

/// Values made by the render stand nowhere in any source text; the writer ignores positions.
private let nowhere = SourcePosition(line: 1, column: 1, offset: 0)

private func rendered(_ value: JSONValue) -> JSONNode { JSONNode(value, at: nowhere) }

extension JSONObject {
    init(rendered members: [(String, JSONValue)]) {
        self.init(members: members.map { Member(key: $0.0, keyPosition: nowhere, value: rendered($0.1)) })
    }

    mutating func remove(_ key: String) {
        members.removeAll { $0.key == key }
    }

    /// Replaces the member's value in place, or adds the member.
    mutating func set(_ key: String, _ value: JSONValue) {
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = JSONNode(value, at: members[index].value.position)
        } else {
            members.append(Member(key: key, keyPosition: nowhere, value: rendered(value)))
        }
    }
}

/// Why Terway's init would fail for this ConfigMap on this node. Nothing is written; the
/// diagnostic points at the key, path and place when the failure is about one value.
public struct TerwayRenderFailure: Error, Sendable, Hashable {
    public let diagnostic: Diagnostic

    init(_ rule: RuleID, key: String? = nil, path: JSONPath? = nil, at position: SourcePosition? = nil, _ message: String) {
        diagnostic = Diagnostic(.error, rule: rule, key: key, path: path, at: position, message)
    }
}
