import ENIConfig
import Testing

@Suite struct RenderTests {
    @Test func theSeedPortmapChainRendersToTheExampleByteForByte() throws {
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: Seed.portmapConflist), on: vethNode)
        let rendered = try #require(evaluation.conflist)
        #expect(rendered.text == Seed.portmapRender)
        #expect(rendered.bytes.last == UInt8(ascii: "}"), "Terway writes no final newline")
        // sha256sum examples/eni-config.conflist
        #expect(rendered.sha256 == "e3e57dcc0fa5135ac04c3f5e514b7bdb381fd6e91eab9af6fce3b198e615e8ba")
        #expect(rendered.pluginTypes == ["terway", "portmap"])
    }

    @Test func theSeedTuningChainRendersSortedWithItsSysctls() throws {
        let rendered = try #require(evaluate(ConfigMapData(conf: Seed.conf, conflist: Seed.tuningConflist), on: vethNode).conflist)
        #expect(rendered.text == """
            {
              "cniVersion": "0.4.0",
              "name": "terway-chainer",
              "plugins": [
                {
                  "bandwidth_mode": "tc",
                  "capabilities": {
                    "bandwidth": true
                  },
                  "eniip_virtual_type": "veth",
                  "type": "terway"
                },
                {
                  "sysctl": {
                    "net.ipv6.conf.all.disable_ipv6": "1",
                    "net.ipv6.conf.default.disable_ipv6": "1",
                    "net.ipv6.conf.lo.disable_ipv6": "1"
                  },
                  "type": "tuning"
                }
              ]
            }
            """)
        #expect(rendered.pluginTypes == ["terway", "tuning"])
    }

    @Test func withoutAConflistTheRenderWrapsTheTerwayPlugin() throws {
        let rendered = try #require(evaluate(ConfigMapData(conf: Seed.conf, conflist: nil), on: vethNode).conflist)
        #expect(rendered.text == """
            {
              "cniVersion": "0.4.0",
              "name": "terway-chainer",
              "plugins": [
                {
                  "bandwidth_mode": "tc",
                  "capabilities": {
                    "bandwidth": true
                  },
                  "eniip_virtual_type": "veth",
                  "type": "terway"
                }
              ]
            }
            """)
        #expect(rendered.pluginTypes == ["terway"])
    }

    @Test func topLevelKeysAreDroppedVersionsForcedAndNumbersWrittenAsGoWritesFloat64() throws {
        let conf = #"{"cniVersion": "1.0.0", "type": "terway"}"#
        let text = #"{"disableGC": true, "cniVersion": "1.0.0", "plugins": [{"type": "terway", "cniVersion": "1.0.0"}, {"type": "x", "name": "mine", "cniVersion": "0.3.1", "mtu": 1.50, "big": 1E21, "tiny": 15e-8, "note": "a<b&c"}]}"#
        let rendered = try #require(evaluate(ConfigMapData(conf: conf, conflist: text), on: vethNode).conflist)
        #expect(rendered.text == """
            {
              "cniVersion": "0.4.0",
              "name": "terway-chainer",
              "plugins": [
                {
                  "bandwidth_mode": "tc",
                  "eniip_virtual_type": "veth",
                  "type": "terway"
                },
                {
                  "big": 1e+21,
                  "mtu": 1.5,
                  "note": "a\\u003cb\\u0026c",
                  "tiny": 1.5e-7,
                  "type": "x"
                }
              ]
            }
            """)
    }

    @Test func formattingAndKeyOrderDoNotChangeTheBytes() throws {
        let compact = #"{"plugins":[{"capabilities":{"bandwidth":true},"type":"terway","name":"terway"},{"externalSetMarkChain":"KUBE-MARK-MASQ","capabilities":{"portMappings":true},"type":"portmap"}]}"#
        let rendered = try #require(evaluate(ConfigMapData(conf: Seed.conf, conflist: compact), on: vethNode).conflist)
        #expect(rendered.text == Seed.portmapRender)
    }

    @Test func anInvalidConfigMapHasNoRender() {
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: conflist([#"{"type": "portmap", "markMasqBit": 99}"#])), on: vethNode)
        #expect(evaluation.conflist == nil)
        #expect(!evaluation.isValid)
    }

    @Test func theNodeIndependentEvaluationNeverRenders() {
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: Seed.portmapConflist))
        #expect(evaluation.isValid)
        #expect(evaluation.conflist == nil)
        #expect(evaluation.pluginTypes == ["terway", "portmap"])
    }

    @Test func warningsDoNotStopTheRender() {
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: #"{"comment": "x", "plugins": [\#(Seed.conf)]}"#), on: vethNode)
        #expect(evaluation.diagnostics.map(\.rule) == [.listKeyDropped])
        #expect(evaluation.conflist != nil)
    }
}
