import Foundation
import ENIConfig
import Testing

/// The source document's ConfigMaps, as `kubectl` hands their data values over (YAML block
/// scalars with the indentation removed, trailing blank kept as written).
enum Seed {
    static let conf = """
        {
          "cniVersion": "0.4.0",
          "name": "terway",
          "type": "terway",
          "capabilities": {"bandwidth": true}
        }

        """

    static let portmapConflist = """
        {
          "plugins": [
            {
              "cniVersion": "0.4.0",
              "name": "terway",
              "type": "terway",
              "capabilities": {"bandwidth": true}\u{20}
            },
            {
              "type": "portmap",
              "capabilities": {"portMappings": true},
              "externalSetMarkChain":"KUBE-MARK-MASQ"
            }
          ]
        }

        """

    static let tuningConflist = """
        {
          "plugins": [
            {
              "cniVersion": "0.4.0",
              "name": "terway",
              "type": "terway",
              "capabilities": {"bandwidth": true}
            },
            {
              "type": "tuning",
              "sysctl": {
                "net.ipv6.conf.all.disable_ipv6": "1",
                "net.ipv6.conf.default.disable_ipv6": "1",
                "net.ipv6.conf.lo.disable_ipv6": "1"
              }
            }
          ]
        }

        """

    /// What the portmap use case renders to on `vethNode`, byte for byte (docs/terway-render.md).
    /// Kept once, in examples/, where operators see what the node file will hold.
    static let portmapRender = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/eni-config.conflist"),
        encoding: .utf8)
}

/// The most common ACK node: a 5.10 kernel, veth datapath, no Cilium, eth0 at 1500.
let vethNode = NodeFacts(kernelRelease: "5.10.134-16.3.al8.x86_64")

/// A one-line terway plugin, the same in `10-terway.conf` and `plugins[0]`.
let terwayPlugin = #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": false}}"#

/// A one-line conflist: the terway plugin, then `chained`.
func conflist(_ chained: [String]) -> String {
    #"{"plugins": ["# + ([terwayPlugin] + chained).joined(separator: ", ") + "]}"
}

/// Evaluates a ConfigMap whose `10-terway.conf` is `terwayPlugin` and whose conflist chains `chained`.
func evaluateChain(_ chained: String...) -> Evaluation {
    evaluate(ConfigMapData(conf: terwayPlugin, conflist: conflist(chained)))
}

/// `line:column` (1-based, columns in Unicode scalars) of the `occurrence`-th `needle` in `text`,
/// found by plain search so that tests do not take positions from the parser under test.
func position(of needle: String, in text: String, occurrence: Int = 1) -> String {
    var remaining = occurrence
    var line = 1
    var column = 1
    var rest = Substring(text)
    while !rest.isEmpty {
        if rest.hasPrefix(needle) {
            remaining -= 1
            if remaining == 0 { return "\(line):\(column)" }
        }
        let scalar = rest.unicodeScalars.first!
        rest = Substring(rest.unicodeScalars.dropFirst())
        if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
    }
    Issue.record("\(needle) not found \(occurrence) times in \(text)")
    return "?"
}

extension Diagnostic {
    /// `line:column`, or "-" for a finding not tied to a place.
    var place: String { line.map { "\($0):\(column ?? 0)" } ?? "-" }
}

extension Evaluation {
    /// The findings of one rule.
    func findings(_ rule: RuleID) -> [Diagnostic] { diagnostics.filter { $0.rule == rule } }
}

/// Checks that `evaluation` has exactly one finding of `rule` and that it says what it should.
func expectSingle(
    _ evaluation: Evaluation, _ rule: RuleID, severity: Diagnostic.Severity = .error, key: String = ConfigMapData.conflistKey,
    path: String?, at place: String, message: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let findings = evaluation.findings(rule)
    #expect(findings.count == 1, "\(evaluation.diagnostics)", sourceLocation: sourceLocation)
    guard let finding = findings.first else { return }
    #expect(finding.severity == severity, sourceLocation: sourceLocation)
    #expect(finding.key == key, sourceLocation: sourceLocation)
    #expect(finding.path == path, sourceLocation: sourceLocation)
    #expect(finding.place == place, sourceLocation: sourceLocation)
    #expect(finding.message == message, sourceLocation: sourceLocation)
    #expect(evaluation.isValid == (severity == .warning && !evaluation.diagnostics.hasErrors), sourceLocation: sourceLocation)
}
