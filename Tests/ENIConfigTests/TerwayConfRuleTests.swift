import ENIConfig
import Testing

@Suite struct TerwayConfRuleTests {
    private func evaluateConf(_ conf: String) -> Evaluation {
        evaluate(ConfigMapData(conf: conf, conflist: nil))
    }

    @Test func theSeedConfAloneIsValid() {
        let evaluation = evaluateConf(Seed.conf)
        #expect(evaluation.diagnostics.isEmpty)
        #expect(evaluation.isValid)
    }

    @Test func typeMustBeTerway() {
        let conf = #"{"cniVersion": "0.4.0", "type": "bridge"}"#
        expectSingle(
            evaluateConf(conf), .confType, key: ConfigMapData.confKey, path: "type", at: position(of: #""bridge""#, in: conf),
            message: #""type" must be "terway", found "bridge""#)
    }

    @Test func missingTypeIsReportedAtTheObject() {
        let conf = "\n  {\"cniVersion\": \"0.4.0\"}"
        expectSingle(
            evaluateConf(conf), .confType, key: ConfigMapData.confKey, path: "$", at: "2:3",
            message: #""type" is missing; 10-terway.conf must set "type": "terway""#)
    }

    @Test func cniVersionMustBeKnown() {
        let conf = #"{"cniVersion": "0.5.0", "type": "terway"}"#
        expectSingle(
            evaluateConf(conf), .cniVersion, key: ConfigMapData.confKey, path: "cniVersion", at: position(of: #""0.5.0""#, in: conf),
            message: #""cniVersion" must be one of "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", found "0.5.0""#)
    }

    @Test func cniVersionMustBeAString() {
        let conf = #"{"cniVersion": 0.4, "type": "terway"}"#
        expectSingle(
            evaluateConf(conf), .cniVersion, key: ConfigMapData.confKey, path: "cniVersion", at: "1:16",
            message: #""cniVersion" must be one of "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", found 0.4"#)
    }

    @Test func cniVersionIsRequiredAsForEveryCNIConfig() {
        expectSingle(
            evaluateConf(#"{"type": "terway"}"#), .cniVersion, key: ConfigMapData.confKey, path: "$", at: "1:1",
            message: #""cniVersion" is missing; set it to one of "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" (the node file always says "0.4.0", as Terway writes it)"#)
    }

    @Test func everyKnownVersionIsAccepted() {
        for version in ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] {
            #expect(evaluateConf(#"{"cniVersion": "\#(version)", "type": "terway"}"#).isValid, "\(version)")
        }
    }

    @Test func terwayFieldsTheRendererFailsOnAreErrorsOnEveryNode() {
        let provider = #"{"cniVersion": "0.4.0", "type": "terway", "network_policy_provider": true}"#
        expectSingle(
            evaluateConf(provider), .terwayField, key: ConfigMapData.confKey, path: "network_policy_provider", at: "1:70",
            message: #""network_policy_provider" must be the string "iptables" or "ebpf", found true; Terway's init fails on anything else"#)
        let datapath = #"{"cniVersion": "0.4.0", "type": "terway", "eniip_virtual_type": "vxlan"}"#
        expectSingle(
            evaluateConf(datapath), .terwayField, key: ConfigMapData.confKey, path: "eniip_virtual_type", at: "1:65",
            message: #""eniip_virtual_type" must be "veth", "ipvlan" or "datapathv2", found "vxlan"; Terway's init fails on anything else ("invalid datapath")"#)
        for accepted in ["VETH", "IPVlan", "datapathV2", ""] {
            #expect(evaluateConf(#"{"cniVersion": "0.4.0", "type": "terway", "eniip_virtual_type": "\#(accepted)"}"#).isValid, "\(accepted)")
        }
        let ignored = evaluateConf(#"{"cniVersion": "0.4.0", "type": "terway", "eniip_virtual_type": 2}"#)
        #expect(ignored.isValid)
        #expect(ignored.findings(.terwayField).map(\.severity) == [.warning])
    }
}
