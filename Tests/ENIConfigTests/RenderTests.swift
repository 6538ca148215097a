import ENIConfig
import Testing

@Suite struct RenderTests {
    @Test func theSeedPortmapChainRendersToTheContractsExampleByteForByte() throws {
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: Seed.portmapConflist))
        let rendered = try #require(evaluation.conflist)
        #expect(rendered.text == Seed.portmapRender)
        #expect(rendered.bytes == Array(Seed.portmapRender.utf8))
        // sha256sum of the example block in docs/terway-render.md
        #expect(rendered.sha256 == "7e2307c0e565e780ebb2220ffa54ef7e6e338682de8b8a16e90c05ee1c78a713")
        #expect(rendered.pluginTypes == ["terway", "portmap"])
    }

    @Test func theSeedTuningChainRendersSortedWithItsSysctls() throws {
        let rendered = try #require(evaluate(ConfigMapData(conf: Seed.conf, conflist: Seed.tuningConflist)).conflist)
        #expect(rendered.text == """
            {
              "cniVersion": "0.4.0",
              "name": "terway-chainer",
              "plugins": [
                {
                  "capabilities": {
                    "bandwidth": true
                  },
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
        let rendered = try #require(evaluate(ConfigMapData(conf: Seed.conf, conflist: nil)).conflist)
        #expect(rendered.text == """
            {
              "cniVersion": "0.4.0",
              "name": "terway-chainer",
              "plugins": [
                {
                  "capabilities": {
                    "bandwidth": true
                  },
                  "type": "terway"
                }
              ]
            }

            """)
        #expect(rendered.pluginTypes == ["terway"])
    }

    @Test func theListsDisableFlagsAreKeptAsWrittenAndChainedNamesDropped() throws {
        let conf = #"{"cniVersion": "1.0.0", "type": "terway"}"#
        let text = #"{"disableGC": "true", "disableCheck": false, "plugins": [{"type": "terway"}, {"type": "x", "name": "mine", "cniVersion": "0.3.1", "mtu": 1.50}]}"#
        let rendered = try #require(evaluate(ConfigMapData(conf: conf, conflist: text)).conflist)
        #expect(rendered.text == """
            {
              "cniVersion": "1.0.0",
              "disableCheck": false,
              "disableGC": "true",
              "name": "terway-chainer",
              "plugins": [
                {
                  "type": "terway"
                },
                {
                  "mtu": 1.50,
                  "type": "x"
                }
              ]
            }

            """)
    }

    @Test func formattingAndKeyOrderDoNotChangeTheBytes() throws {
        let compact = #"{"plugins":[{"capabilities":{"bandwidth":true},"type":"terway","name":"terway"},{"externalSetMarkChain":"KUBE-MARK-MASQ","capabilities":{"portMappings":true},"type":"portmap"}]}"#
        let rendered = try #require(evaluate(ConfigMapData(conf: Seed.conf, conflist: compact)).conflist)
        #expect(rendered.text == Seed.portmapRender)
    }

    @Test func anInvalidConfigMapHasNoRender() {
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: conflist([#"{"type": "portmap", "markMasqBit": 99}"#])))
        #expect(evaluation.conflist == nil)
        #expect(!evaluation.isValid)
        #expect(evaluation.diagnostics.hasErrors)
    }

    @Test func warningsDoNotStopTheRender() {
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: #"{"comment": "x", "plugins": [\#(Seed.conf)]}"#))
        #expect(evaluation.diagnostics.map(\.rule) == [.listKeyDropped])
        #expect(evaluation.isValid)
    }
}
