import Foundation
@testable import ENIConfig
import PropertyBased
import Testing

/// Go's encoding/json is the truth for the node file's numbers and strings: the golden tables
/// were written by Go itself (Golden/go-encoding/generate.go).
@Suite struct GoJSONTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/go-encoding")

    static func rows(_ file: String) throws -> [(input: String, expected: String)] {
        let text = try String(contentsOf: goldenDirectory.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", maxSplits: 1)
            return (String(fields[0]), String(fields[1]))
        }
    }

    @Test func numbersAreWrittenAsGoWritesTheirFloat64() throws {
        let rows = try Self.rows("go-numbers.tsv")
        #expect(rows.count > 4000)
        for (literal, expected) in rows {
            let written = String(decoding: GoJSON.marshalIndent(try JSONParser.parse(literal).value), as: UTF8.self)
            #expect(written == expected, "\(literal)")
        }
    }

    @Test func stringsAreEscapedAsGoEscapesThem() throws {
        let rows = try Self.rows("go-strings.tsv")
        #expect(rows.count > 300)
        for (input, expected) in rows {
            let written = String(decoding: GoJSON.marshalIndent(try JSONParser.parse(input).value), as: UTF8.self)
            #expect(written.utf8.elementsEqual(expected.utf8), "\(input)")
        }
    }

    @Test func anyFiniteDoubleIsWrittenShortestInGosLayout() async {
        await propertyCheck(count: 2000, input: Gen.uint64()) { bits in
            let value = Double(bitPattern: bits)
            guard value.isFinite else { return }
            let written = GoFloat.format(value)
            // Reads back as the same float64.
            #expect(Double(written)?.bitPattern == value.bitPattern || (value == 0 && Double(written) == 0))
            // An exponent exactly outside [1e-6, 1e21), with no zero-padded negative exponent.
            let magnitude = value.magnitude
            #expect(written.contains("e") == (magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)), "\(written)")
            #expect(!written.contains("e-0") && !written.contains(".e") && !written.hasSuffix("."))
            // Shortest: one significant digit fewer never reads back as the same value.
            let digits = GoFloat.shortestDigits(of: magnitude).digits
            if digits.count > 1 {
                let shorter = "0." + String(decoding: digits.dropLast(), as: UTF8.self) + "e\(GoFloat.shortestDigits(of: magnitude).pointPosition)"
                #expect(Double(shorter) != magnitude, "\(written)")
            }
        }
    }
}
