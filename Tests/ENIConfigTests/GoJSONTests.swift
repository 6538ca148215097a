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

    @Test func anyStringIsWrittenWithGosEscapesAndReadsBackTheSame() async throws {
        let scalars = Gen.oneOf(
            Gen.uint32(in: 0...0x7F), Gen.uint32(in: 0x80...0x7FF), Gen.uint32(in: 0x2020...0x202F),
            Gen.uint32(in: 0x10000...0x10FFFF)
        ).compactMap(Unicode.Scalar.init)
        await propertyCheck(count: 1000, input: scalars.array(of: 0...24)) { scalars in
            let text = String(String.UnicodeScalarView(scalars))
            let written = String(decoding: GoJSON.marshalIndent(.string(text)), as: UTF8.self)
            let reparsed = try JSONParser.parse(written)
            #expect(reparsed.value == .string(text))
            let inner = written.unicodeScalars.dropFirst().dropLast()
            #expect(!inner.contains { $0.value < 0x20 || "<>&\u{2028}\u{2029}".unicodeScalars.contains($0) }, "\(written)")
            // Go writes every other scalar as itself.
            let escapes = ["\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u{8}": "\\b", "\u{C}": "\\f"]
            let expected = text.unicodeScalars.map { scalar -> String in
                if let short = escapes[String(scalar)] { return short }
                if scalar.value < 0x20 || "<>&".unicodeScalars.contains(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                return String(scalar)
            }.joined()
            #expect(written == "\"" + expected + "\"")
        }
    }
}
