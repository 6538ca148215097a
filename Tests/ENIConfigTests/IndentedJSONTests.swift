import ENIConfig
import Foundation
import Testing

/// `JSONText.indented`, the layout `kubectl eni-config chain` writes the conflist back in.
@Suite struct IndentedJSONTests {
    private static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    /// The conflist of an example manifest, as the YAML block scalar holds it.
    private static func conflist(of example: String) throws -> String {
        let manifest = try String(contentsOf: examples.appendingPathComponent(example), encoding: .utf8)
        let lines = manifest.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "  10-terway.conflist: |"))
        let block = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }
        return block.map { String($0.dropFirst(4)) }.joined(separator: "\n")
    }

    @Test("the examples' conflists come back byte for byte: short scalar objects inline, the rest one member a line",
          arguments: ["eni-config.yaml", "eni-config-tuning.yaml"])
    func examplesRoundTrip(example: String) throws {
        let text = try Self.conflist(of: example)
        let written = String(decoding: JSONText.indented(try JSONParser.parse(text).value), as: UTF8.self)
        #expect(written == text)
    }

    @Test func keepsOrderAndNumbersAsWrittenAndBreaksLongOrNestedContainers() throws {
        let text = #"{"z": 1.50, "a": [1, 2], "long": {"net.ipv6.conf.default.disable_ipv6": "1"}, "nested": [[1]]}"#
        let written = String(decoding: JSONText.indented(try JSONParser.parse(text).value), as: UTF8.self)
        #expect(written == """
            {
              "z": 1.50,
              "a": [1, 2],
              "long": {
                "net.ipv6.conf.default.disable_ipv6": "1"
              },
              "nested": [
                [1]
              ]
            }
            """)
    }
}
