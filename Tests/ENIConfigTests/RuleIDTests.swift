import ENIConfig
import Foundation
import Testing

/// Every rule ID is documented where users look them up, and no documented ID is stale.
@Suite struct RuleIDTests {
    @Test func docsCNIRulesListsExactlyTheRuleIDs() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/cni-rules.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let documented = Set(
            text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
                String(line.dropFirst(3).prefix { $0 != "`" })
            })
        #expect(documented == Set(RuleID.allCases.map(\.rawValue)))
    }

    @Test func diagnosticsCarryTheIDAsTheirWireForm() throws {
        let diagnostic = Diagnostic(.error, rule: .firstPluginMismatch, key: ConfigMapData.conflistKey, "m")
        let json = try #require(String(data: try JSONEncoder().encode(diagnostic), encoding: .utf8))
        #expect(json.contains(#""rule":"first-plugin-mismatch""#))
        #expect(try JSONDecoder().decode(Diagnostic.self, from: Data(json.utf8)) == diagnostic)
    }
}
