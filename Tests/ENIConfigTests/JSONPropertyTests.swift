@testable import ENIConfig
import PropertyBased
import Testing

@Suite struct JSONPropertyTests {
    @Test func writtenBytesParseBackToAnEquivalentValue() async throws {
        await propertyCheck(count: 500, input: RandomJSON.values) { value in
            let parsed = try JSONParser.parse(RandomJSON.literalBytes(value))
            #expect(parsed.value.isEquivalent(to: value))
            #expect(parsed.differences(from: JSONNode(value, at: RandomJSON.nowhere)).isEmpty)
        }
    }

    @Test func goBytesAreAFixedPoint() async throws {
        await propertyCheck(count: 500, input: RandomJSON.values) { value in
            let bytes = GoJSON.marshalIndent(value)
            let reparsed = try JSONParser.parse(bytes)
            #expect(GoJSON.marshalIndent(reparsed.value) == bytes)
            #expect(bytes.last != UInt8(ascii: "\n"), "Go's MarshalIndent writes no final newline")
        }
    }

    @Test func everyParsedValueKnowsWhereItStands() async throws {
        await propertyCheck(count: 300, input: RandomJSON.values) { value in
            let bytes = RandomJSON.literalBytes(value)
            var checked = 0
            func check(_ node: JSONNode) {
                checked += 1
                #expect(node.position == SourcePosition(independentlyAt: node.position.offset, in: bytes))
                let first = bytes[node.position.offset]
                switch node.value {
                case .null: #expect(first == UInt8(ascii: "n"))
                case .bool(let flag): #expect(first == UInt8(ascii: flag ? "t" : "f"))
                case .number(let number): #expect(bytes[node.position.offset...].starts(with: number.literal.utf8))
                case .string: #expect(first == UInt8(ascii: "\""))
                case .array(let elements):
                    #expect(first == UInt8(ascii: "["))
                    elements.forEach(check)
                case .object(let object):
                    #expect(first == UInt8(ascii: "{"))
                    for member in object.members {
                        #expect(member.keyPosition == SourcePosition(independentlyAt: member.keyPosition.offset, in: bytes))
                        #expect(bytes[member.keyPosition.offset] == UInt8(ascii: "\""))
                        check(member.value)
                    }
                }
            }
            check(try JSONParser.parse(bytes))
            #expect(checked > 0)
        }
    }

    @Test func damagedDocumentsFailAtAPlaceInsideTheInputOrStillRoundTrip() async throws {
        await propertyCheck(count: 1000, input: RandomJSON.damagedDocuments) { bytes in
            switch Result(catching: { () throws(JSONSyntaxError) in try JSONParser.parse(bytes) }) {
            case .success(let parsed):
                let written = GoJSON.marshalIndent(parsed.value)
                let reparsed = try JSONParser.parse(written)
                #expect(GoJSON.marshalIndent(reparsed.value) == written)
            case .failure(let error):
                #expect((0...bytes.count).contains(error.position.offset))
                #expect(error.position == SourcePosition(independentlyAt: error.position.offset, in: bytes))
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func memberOrderAndNumberSpellingDoNotMatter() async throws {
        await propertyCheck(count: 300, input: RandomJSON.values) { value in
            let respelled = value.respelledAndReordered()
            #expect(value.isEquivalent(to: respelled))
            #expect(JSONNode(value, at: RandomJSON.nowhere).differences(from: JSONNode(respelled, at: RandomJSON.nowhere)).isEmpty)
            #expect(GoJSON.marshalIndent(value) == GoJSON.marshalIndent(respelled), "Go writes the float64, not the spelling")
        }
    }

    @Test func equivalenceAndDifferencesAgree() async throws {
        let pairs = zip(RandomJSON.smallValues, RandomJSON.smallValues)
        await propertyCheck(count: 500, input: pairs) { first, second in
            let here = JSONNode(first, at: RandomJSON.nowhere)
            let there = JSONNode(second, at: RandomJSON.nowhere)
            let differences = here.differences(from: there)
            #expect(first.isEquivalent(to: second) == differences.isEmpty)
            #expect(second.isEquivalent(to: first) == first.isEquivalent(to: second))
            let reversed = there.differences(from: here)
            #expect(Set(reversed.map(\.path)) == Set(differences.map(\.path)))
            for difference in differences {
                #expect(difference.here != nil || difference.there != nil)
            }
        }
    }

    @Test func compactDescriptionIsShortAndParsesBackWhenComplete() async throws {
        await propertyCheck(count: 500, input: RandomJSON.values) { value in
            let description = value.compactDescription
            #expect(description.unicodeScalars.count <= 60)
            #expect(!description.contains("\n"))
            if !description.hasSuffix("…") {
                let reparsed = try JSONParser.parse(description)
                #expect(reparsed.value.isEquivalent(to: value))
            }
        }
    }
}

extension RandomJSON {
    /// Values from a tiny domain, so that random pairs are sometimes equivalent.
    static let smallValues = Generator<JSONValue, Shrink.None<JSONValue>>(run: { random in smallValue(depth: 0, using: &random) })

    private static func smallValue(depth: Int, using random: inout some RandomNumberGenerator) -> JSONValue {
        switch Int.random(in: depth < 2 ? 0..<5 : 0..<3, using: &random) {
        case 0: return .number(JSONNumber(literal: ["1", "1.0", "2", "-0", "0"].randomElement(using: &random)!))
        case 1: return .string(["a", "b"].randomElement(using: &random)!)
        case 2: return .bool(Bool.random(using: &random))
        case 3:
            return .array((0 ..< Int.random(in: 0...2, using: &random)).map { _ in
                JSONNode(smallValue(depth: depth + 1, using: &random), at: nowhere)
            })
        default:
            let keys = ["x", "y"].filter { _ in Bool.random(using: &random) }
            return .object(JSONObject(members: keys.shuffled(using: &random).map { key in
                JSONObject.Member(key: key, keyPosition: nowhere, value: JSONNode(smallValue(depth: depth + 1, using: &random), at: nowhere))
            }))
        }
    }
}

extension SourcePosition {
    /// The position of `offset` computed the slow, obvious way: lines end at LF, columns count
    /// every byte that is not a UTF-8 continuation byte.
    init(independentlyAt offset: Int, in bytes: [UInt8]) {
        let before = bytes[..<offset]
        let lineStart = (before.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        self.init(
            line: 1 + before.filter { $0 == UInt8(ascii: "\n") }.count,
            column: 1 + bytes[lineStart ..< offset].filter { $0 & 0xC0 != 0x80 }.count,
            offset: offset
        )
    }
}

extension JSONValue {
    /// The same value spelled differently: members reversed, every number written with an
    /// extra exponent or trailing fraction zero.
    func respelledAndReordered() -> JSONValue {
        switch self {
        case .number(let number):
            let literal = number.literal
            let respelled = literal.contains(where: { $0 == "e" || $0 == "E" }) ? literal.respellingExponent()
                : literal.contains(".") ? literal + "0" : literal + "e0"
            return .number(JSONNumber(literal: respelled))
        case .array(let elements):
            return .array(elements.map { JSONNode($0.value.respelledAndReordered(), at: $0.position) })
        case .object(let object):
            return .object(JSONObject(members: object.members.reversed().map {
                JSONObject.Member(key: $0.key, keyPosition: $0.keyPosition, value: JSONNode($0.value.value.respelledAndReordered(), at: $0.value.position))
            }))
        default:
            return self
        }
    }

    var containsNumber: Bool {
        switch self {
        case .number: true
        case .array(let elements): elements.contains { $0.value.containsNumber }
        case .object(let object): object.members.contains { $0.value.value.containsNumber }
        default: false
        }
    }
}

extension String {
    /// `1e5` → `10e4` and `1.5e5` → `1.50e5`: the same value with one more digit.
    fileprivate func respellingExponent() -> String {
        let marker = firstIndex(where: { $0 == "e" || $0 == "E" })!
        if self[..<marker].contains(".") {
            return self[..<marker] + "0" + self[marker...]
        }
        var exponent = self[index(after: marker)...]
        let sign = exponent.first == "-" || exponent.first == "+" ? String(exponent.removeFirst()) : ""
        let value = Int(exponent)! * (sign == "-" ? -1 : 1) - 1
        return self[..<marker] + "0" + String(self[marker]) + String(value)
    }
}
