@testable import ENIConfig
import Testing

/// Terway's own tests of `mergeConfigList` (cmd/terway-cli/cni_test.go at 89aadf8b), each with
/// the node its mocks stand for, asserting what Terway asserts. Where its tests and its code
/// disagree, the code is what runs on the nodes: see `ipvlanWithoutTheSwitchFails`.
@Suite struct TerwayScenarioTests {
    static let terwayFoo = #"{"type":"terway","foo":"bar"}"#
    static let portmap = #"{"type":"portmap","capabilities":{"portMappings":true},"externalSetMarkChain":"KUBE-MARK-MASQ"}"#
    static let cilium = #"{"type":"cilium-cni"}"#
    static let ipvlan = #"{"type":"terway","foo":"bar","eniip_virtual_type":"ipvlan"}"#

    /// `_switchDataPathV2` returning false: the gate is off.
    static let noSwitch = NodeFacts(kernelRelease: "5.10.0", autoDataPathV2: false)
    /// `_switchDataPathV2` returning true, no node_capabilities, no cilium_net.
    static let freshNode = NodeFacts(kernelRelease: "5.10.0")

    @Test func Test_mergeConfigList() throws {
        let out = try merged([Self.terwayFoo, Self.portmap], ebpf: false, node: Self.noSwitch)
        #expect(out["plugins.0.type"] == "terway")
        #expect(out["plugins.0.foo"] == "bar")
        #expect(out["plugins.0.eniip_virtual_type"] == nil)
        #expect(out["plugins.1.type"] == "portmap")
    }

    @Test func ipvlanWithoutTheSwitchFails() {
        // Test_mergeConfigList_ipvl and _ipvl_exist expect success; the code fails since 004646df.
        for chain in [[Self.ipvlan, Self.portmap], [Self.ipvlan, Self.cilium, Self.portmap]] {
            #expect(throws: TerwayRenderFailure.self) { try merged(chain, node: Self.noSwitch) }
            #expect(failure(chain, node: Self.noSwitch)?.rule == RuleID.nodeDatapath)
        }
    }

    @Test func Test_mergeConfigList_ipvl_unsupport() throws {
        let out = try merged([Self.ipvlan, Self.cilium, Self.portmap], ebpf: false, node: Self.noSwitch)
        #expect(out["plugins.0.type"] == "terway")
        #expect(out["plugins.0.eniip_virtual_type"] == nil)
        #expect(out["plugins.1.type"] == "portmap")
    }

    @Test(arguments: ["ipvlan", "datapathv2"])
    func Test_mergeConfigList_migrate_datapathv2(virtualType: String) throws {
        let terway = #"{"type":"terway","foo":"bar","eniip_virtual_type":"\#(virtualType)"}"#
        let out = try merged([terway, Self.cilium, Self.portmap], node: Self.freshNode)
        #expect(out["plugins.0.type"] == "terway")
        #expect(out["plugins.0.eniip_virtual_type"] == "datapathv2")
        #expect(out["plugins.0.bandwidth_mode"] == "edt")
        #expect(out["plugins.1.type"] == "cilium-cni")
        #expect(out["plugins.1.datapath"] == "datapathv2")
        #expect(out["plugins.2.type"] == "portmap")
    }

    @Test func TestVeth() throws {
        let out = try merged([Self.terwayFoo], policy: true, node: Self.freshNode)
        #expect(out["plugins.0.eniip_virtual_type"] == "veth")
        #expect(out.pluginCount == 1)
    }

    @Test func TestVethWithNoPolicy() throws {
        let out = try merged([#"{"type":"terway","foo":"bar","network_policy_provider":"ebpf"}"#], policy: false, node: Self.freshNode)
        #expect(out["plugins.0.eniip_virtual_type"] == "veth")
        #expect(out.pluginCount == 1)
    }

    @Test func TestVethToDatapathV2() throws {
        let out = try merged([#"{"type":"terway","foo":"bar","network_policy_provider":"ebpf"}"#], policy: true, node: Self.freshNode)
        #expect(out.pluginCount == 2)
        #expect(out["plugins.0.eniip_virtual_type"] == "datapathv2")
        #expect(out["plugins.1.type"] == "cilium-cni")
        #expect(out["plugins.1.data-path"] == "datapathv2")
    }

    @Test func TestVethNotAllowToSwitch() throws {
        var node = Self.freshNode
        node.capabilities = NodeCapabilities(iniText: "has_cilium_chainer = false\n")
        let out = try merged([#"{"type":"terway","foo":"bar","network_policy_provider":"ebpf"}"#], policy: true, node: node)
        #expect(out.pluginCount == 1)
        #expect(out["plugins.0.eniip_virtual_type"] == "veth")
    }

    @Test func Test_mergeConfigList_autoMTU() throws {
        var node = Self.noSwitch
        node.eth0MTU = 9000
        let out = try merged([#"{"type":"terway","auto_mtu":true}"#], node: node)
        #expect(out["plugins.0.mtu"] == "9000")
        #expect(out["plugins.0.auto_mtu"] == nil)
        #expect(try merged([Self.terwayFoo], node: node)["plugins.0.mtu"] == nil)
        #expect(try merged([#"{"type":"terway","auto_mtu":true,"mtu":1400}"#], node: node)["plugins.0.mtu"] == "1400")
        // auto_mtu works regardless of eBPF support
        let noEBPF = try merged([#"{"type":"terway","auto_mtu":true}"#], ebpf: false, node: node)
        #expect(noEBPF["plugins.0.mtu"] == "9000")
        #expect(noEBPF["plugins.0.auto_mtu"] == nil)
    }
}

/// The facts behind each probe, one at a time.
@Suite struct TerwayNodeFactTests {
    static let provider = #"{"type":"terway","network_policy_provider":"ebpf"}"#

    @Test func aKernelOlderThan510FailsAndNewerOnesPass() {
        for release in ["4.19.91-27.al7.x86_64", "5.9.16", "5", "garbage", ""] {
            let data = ConfigMapData(conf: #"{"cniVersion":"0.4.0","type":"terway"}"#, conflist: nil)
            let result = TerwayRender.render(data, on: NodeFacts(kernelRelease: release))
            #expect(result.failure?.rule == RuleID.nodeKernel, "\(release)")
        }
        for release in ["5.10.0", "5.10", "5.10.134-16.3.al8.x86_64", "6.6.71+", "10.0"] {
            #expect(KernelRelease(release)?.isAtLeast(5, 10, 0) == true, "\(release)")
        }
    }

    @Test func ciliumNetOnTheNodeAllowsTheEBPFPolicyEvenWhenDisabled() throws {
        let node = NodeFacts(kernelRelease: "5.10.0", hasCiliumNetLink: true)
        #expect(try merged([Self.provider], policy: false, node: node)["plugins.0.eniip_virtual_type"] == "datapathv2")
    }

    @Test func aStickyCiliumChainerKeepsCiliumOnAVethNode() throws {
        let node = NodeFacts(kernelRelease: "5.10.0", capabilities: NodeCapabilities(iniText: "has_cilium_chainer=true"))
        let out = try merged([#"{"type":"terway"}"#], node: node)
        #expect(out["plugins.0.eniip_virtual_type"] == "veth")
        #expect(out["plugins.0.bandwidth_mode"] == "tc")
        #expect(out["plugins.1.type"] == "cilium-cni")
        #expect(out["plugins.1.data-path"] == "veth")
    }

    @Test func ciliumWithoutHostRoutingKeepsVeth() throws {
        let node = NodeFacts(kernelRelease: "5.10.0", ciliumHostRoutingAllowed: false)
        #expect(try merged([Self.provider], policy: true, node: node)["plugins.0.eniip_virtual_type"] == "veth")
    }

    @Test func ipvlanMovesToV2WhereTheNodeAlreadyRunsIt() throws {
        let node = NodeFacts(kernelRelease: "5.10.0", hasCiliumNetLink: true, capabilities: NodeCapabilities(iniText: "datapath = datapathv2"))
        #expect(try merged([TerwayScenarioTests.ipvlan], node: node)["plugins.0.eniip_virtual_type"] == "datapathv2")
        let withoutV2 = NodeFacts(kernelRelease: "5.10.0", hasCiliumNetLink: true)
        #expect(throws: TerwayRenderFailure.self) { try merged([TerwayScenarioTests.ipvlan], node: withoutV2) }
    }

    @Test func aCiliumEntryBeforeTerwayGetsTheDatapathDecidedSoFar() throws {
        let out = try merged([#"{"type":"cilium-cni"}"#, #"{"type":"terway","eniip_virtual_type":"DataPathV2"}"#], node: NodeFacts(kernelRelease: "5.10.0"))
        #expect(out["plugins.0.datapath"] == "")
        #expect(out["plugins.1.eniip_virtual_type"] == "datapathv2")
        #expect(out.pluginCount == 2)
    }

    @Test func theDatapathIsMatchedAsGoLowercasesIt() throws {
        let node = NodeFacts(kernelRelease: "5.10.0")
        #expect(try merged([#"{"type":"terway","eniip_virtual_type":"VETH"}"#], node: node)["plugins.0.eniip_virtual_type"] == "veth")
        // Go maps U+0130 to "i"; Swift's full lower-casing would not match "ipvlan".
        #expect(try merged([#"{"type":"terway","eniip_virtual_type":"\u0130PVLAN"}"#], node: node)["plugins.0.eniip_virtual_type"] == "datapathv2")
        #expect(try merged([#"{"type":"terway","eniip_virtual_type":7}"#], node: node)["plugins.0.eniip_virtual_type"] == "veth")
        #expect(throws: TerwayRenderFailure.self) { try merged([#"{"type":"terway","eniip_virtual_type":"vxlan"}"#], node: node) }
    }

    @Test func whatTerwayFailsOnEverywhere() {
        let node = NodeFacts(kernelRelease: "5.10.0")
        #expect(failure([#"{"type":"terway","network_policy_provider":1}"#], node: node)?.rule == RuleID.terwayField)
        #expect(failure([#"{"type":"terway"}"#, #"{"type":1}"#], node: node)?.path == "plugins[1].type")
        let noENIConf = ConfigMapData(conf: #"{"type":"terway"}"#, conflist: nil, hasENIConf: false)
        #expect(TerwayRender.render(noENIConf, on: node).failure?.rule == RuleID.eniConfMissing)
    }

    @Test func disableNetworkPolicyIsComparedByteForByte() {
        #expect(TerwayRender.networkPolicyEnabled(disableNetworkPolicy: nil))
        for enabled in ["false", "0", ""] { #expect(TerwayRender.networkPolicyEnabled(disableNetworkPolicy: enabled)) }
        for disabled in ["true", "false\n", "False", "1", "no"] { #expect(!TerwayRender.networkPolicyEnabled(disableNetworkPolicy: disabled)) }
    }

    @Test func nodeCapabilitiesReadAsGoIniReadsThem() {
        let capabilities = NodeCapabilities(iniText: """
            # written by terway-cli
            datapath = datapathv2
            has_cilium_chainer="true"
            ; a comment
            erdma = true
            erdma: false
            [other]
            datapath = veth
            """)
        #expect(capabilities["datapath"] == "datapathv2")
        #expect(capabilities["has_cilium_chainer"] == "true")
        #expect(capabilities["erdma"] == "false")
        #expect(capabilities["cni_exclusive_eni"] == nil)
    }
}

/// `mergeConfigList` on one-line plugin texts, as Terway's tests call it, written as Go writes it.
private func merged(_ plugins: [String], ebpf: Bool = true, policy: Bool = true, node: NodeFacts) throws(TerwayRenderFailure) -> RenderedPaths {
    let configs = plugins.enumerated().map { index, text in
        PluginConfig(node: try! JSONParser.parse(text), path: JSONPath.root.appending("plugins").appending(index))
    }
    let features = TerwayFeatures(ebpf: ebpf, edt: ebpf, networkPolicyEnabled: policy)
    let document = try mergeConfigList(configs, key: ConfigMapData.conflistKey, features: features, node: node)
    return RenderedPaths(try! JSONParser.parse(GoJSON.marshalIndent(.object(document))).value)
}

private func failure(_ plugins: [String], node: NodeFacts) -> Diagnostic? {
    do {
        _ = try merged(plugins, node: node)
        return nil
    } catch {
        return error.diagnostic
    }
}

/// gabs-style dotted paths (`plugins.0.type`) into the written document; scalars as text.
struct RenderedPaths {
    let root: JSONValue

    init(_ root: JSONValue) { self.root = root }

    subscript(path: String) -> String? {
        var value = root
        for component in path.split(separator: ".") {
            if let index = Int(component), let elements = value.arrayValue, elements.indices.contains(index) {
                value = elements[index].value
            } else if let member = value.objectValue?[String(component)] {
                value = member.value
            } else {
                return nil
            }
        }
        switch value {
        case .string(let text): return text
        case .number(let number): return number.literal
        default: return value.compactDescription
        }
    }

    var pluginCount: Int { root.objectValue?["plugins"]?.value.arrayValue?.count ?? 0 }
}

extension Result {
    var failure: Diagnostic? {
        if case .failure(let error as TerwayRenderFailure) = self { error.diagnostic } else { nil }
    }
}
