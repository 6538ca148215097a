import ENIConfig
import PropertyBased

/// A random valid eni-config: a terway plugin, and (usually) a conflist that starts with the
/// same plugin and chains a random mix of portmap, tuning, bandwidth and unknown plugins, each
/// with random valid fields.
struct ValidConfigMap: Sendable, CustomStringConvertible {
    var conf: TestJSON
    var list: TestJSON?
    var confStyle: TestJSON.Style
    var listStyle: TestJSON.Style

    var data: ConfigMapData { ConfigMapData(conf: conf.text(confStyle), conflist: list?.text(listStyle)) }

    /// The same configuration written another way.
    func restyled(using rng: inout some RandomNumberGenerator) -> ValidConfigMap {
        var copy = self
        copy.confStyle = .random(using: &rng)
        copy.listStyle = .random(using: &rng)
        copy.conf = conf.shuffled(using: &rng)
        copy.list = list?.shuffled(using: &rng)
        return copy
    }

    var description: String { "conf: \(conf.text(.compact))\nconflist: \(list?.text(.compact) ?? "none")" }

    static let generator = Generator(run: { rng in ValidConfigMap.random(using: &rng) })

    static func random(using rng: inout some RandomNumberGenerator) -> ValidConfigMap {
        let version = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"].randomElement(using: &rng)!
        var terway: [TestJSON.Member] = [
            .init(key: "type", value: .string("terway")),
            .init(key: "cniVersion", value: .string(version)),
        ]
        if Bool.random(using: &rng) { terway.append(.init(key: "name", value: .string("terway"))) }
        if Bool.random(using: &rng) {
            terway.append(.init(key: "capabilities", value: .object([.init(key: "bandwidth", value: .bool(.random(using: &rng)))])))
        }
        if Bool.random(using: &rng) {
            terway.append(.init(key: "eniip_virtual_type", value: .string(["IPVlan", "Veth", "datapathv2"].randomElement(using: &rng)!)))
        }
        let mtuSpellings = ["1500", "1500.0", "1.5e3", "15E2"]
        let mtu = Bool.random(using: &rng) ? Int.random(in: 0..<mtuSpellings.count, using: &rng) : nil
        let conf = TestJSON.object(terway + (mtu.map { [.init(key: "mtu", value: .number(mtuSpellings[$0]))] } ?? []))
        guard Int.random(in: 0..<5, using: &rng) > 0 else {
            return ValidConfigMap(conf: conf, list: nil, confStyle: .random(using: &rng), listStyle: .random(using: &rng))
        }

        // plugins[0]: the same plugin, possibly without name and cniVersion, numbers spelled differently.
        var first = terway.filter { !["name", "cniVersion"].contains($0.key) || Bool.random(using: &rng) }
        if mtu != nil { first.append(.init(key: "mtu", value: .number(mtuSpellings.randomElement(using: &rng)!))) }
        let chained = (0..<Int.random(in: 0...4, using: &rng)).map { _ in randomChainedPlugin(using: &rng) }
        var top: [TestJSON.Member] = [.init(key: "plugins", value: .array([.object(first)] + chained))]
        for flag in ["disableCheck", "disableGC"] where Bool.random(using: &rng) {
            let value: TestJSON = Bool.random(using: &rng) ? .bool(.random(using: &rng)) : .string(["true", "false"].randomElement(using: &rng)!)
            top.append(.init(key: flag, value: value))
        }
        if Bool.random(using: &rng) { top.append(.init(key: "name", value: .string("terway-chainer"))) }
        if Bool.random(using: &rng) { top.append(.init(key: "cniVersion", value: .string(version))) }
        return ValidConfigMap(
            conf: conf, list: TestJSON.object(top).shuffled(using: &rng),
            confStyle: .random(using: &rng), listStyle: .random(using: &rng))
    }

    private static func randomChainedPlugin(using rng: inout some RandomNumberGenerator) -> TestJSON {
        var members: [TestJSON.Member]
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            members = [.init(key: "type", value: .string("portmap"))]
            maybe(&members, "capabilities", .object([.init(key: "portMappings", value: .bool(.random(using: &rng)))]), &rng)
            maybe(&members, "snat", .bool(.random(using: &rng)), &rng)
            maybe(&members, "masqAll", .bool(.random(using: &rng)), &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: members.append(.init(key: "markMasqBit", value: .number(String(Int.random(in: 0...31, using: &rng)))))
            case 1: members.append(.init(key: "externalSetMarkChain", value: .string("KUBE-MARK-MASQ")))
            default: break
            }
            maybe(&members, "conditionsV4", .array([.string("-d"), .string("10.0.0.0/8")]), &rng)
            maybe(&members, "conditionsV6", .array([]), &rng)
        case 1:
            members = [.init(key: "type", value: .string("tuning"))]
            let sysctls = ["net.ipv6.conf.all.disable_ipv6", "net.core.somaxconn", "net/ipv4/ip_forward", "net.ipv4.conf.IFNAME.rp_filter"]
            let chosen = sysctls.filter { _ in Bool.random(using: &rng) }
            maybe(&members, "sysctl", .object(chosen.map { .init(key: $0, value: .string(String(Int.random(in: 0...2, using: &rng)))) }), &rng)
            maybe(&members, "mtu", .number(String(Int.random(in: 68...9000, using: &rng))), &rng)
            maybe(&members, "mac", .string("c2:b0:57:49:47:f1"), &rng)
            maybe(&members, "promisc", .bool(.random(using: &rng)), &rng)
            maybe(&members, "allmulti", .bool(.random(using: &rng)), &rng)
        case 2:
            members = [.init(key: "type", value: .string("bandwidth"))]
            for direction in ["ingress", "egress"] {
                switch Int.random(in: 0..<3, using: &rng) {
                case 0:
                    members.append(.init(key: direction + "Rate", value: .number(String(Int.random(in: 1...10_000_000_000, using: &rng)))))
                    members.append(.init(key: direction + "Burst", value: .number(String(Int.random(in: 1...34_359_738_359, using: &rng)))))
                case 1:
                    members.append(.init(key: direction + "Rate", value: .number("0")))
                    members.append(.init(key: direction + "Burst", value: .number("0")))
                default: break
                }
            }
        default:
            members = [.init(key: "type", value: .string(["sbr", "my-plugin", "cilium-cni", "x_1.2"].randomElement(using: &rng)!))]
            for key in ["someSetting", "nested", "list", "weird \"key\"\\"] where Bool.random(using: &rng) {
                members.append(.init(key: key, value: randomValue(depth: 0, using: &rng)))
            }
        }
        if Bool.random(using: &rng) { members.append(.init(key: "name", value: .string("chained"))) }
        return TestJSON.object(members).shuffled(using: &rng)
    }

    private static func maybe(_ members: inout [TestJSON.Member], _ key: String, _ value: TestJSON, _ rng: inout some RandomNumberGenerator) {
        if Bool.random(using: &rng) { members.append(.init(key: key, value: value)) }
    }
}

/// Any JSON value, for unknown plugins' fields and for mutations.
func randomValue(depth: Int, using rng: inout some RandomNumberGenerator) -> TestJSON {
    let scalars: [TestJSON] = [
        .null, .bool(true), .bool(false), .number("0"), .number("-0"), .number("40"), .number("-1"),
        .number("1E-7"), .number("0.5"), .number("12345678901234567890"), .string(""), .string("x/y"),
        .string("KUBE-MARK-MASQ"), .string("true"), .string("kernel.panic"), .string("é\n\u{1}\"\\ ünï"),
    ]
    guard depth < 3, Int.random(in: 0..<3, using: &rng) == 0 else { return scalars.randomElement(using: &rng)! }
    let count = Int.random(in: 0...3, using: &rng)
    if Bool.random(using: &rng) {
        return .array((0..<count).map { _ in randomValue(depth: depth + 1, using: &rng) })
    }
    return .object((0..<count).map { index in .init(key: "k\(index)", value: randomValue(depth: depth + 1, using: &rng)) })
}

extension TestJSON {
    /// The same value with every object's members in a random order.
    func shuffled(using rng: inout some RandomNumberGenerator) -> TestJSON {
        switch self {
        case .array(let items): .array(items.map { $0.shuffled(using: &rng) })
        case .object(let members):
            .object(members.map { Member(key: $0.key, value: $0.value.shuffled(using: &rng)) }.shuffled(using: &rng))
        default: self
        }
    }
}
