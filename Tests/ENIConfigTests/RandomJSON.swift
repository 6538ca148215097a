@testable import ENIConfig
import PropertyBased

/// Random JSON values for property tests: every kind, nested a few levels, with strings that
/// need escapes or are not ASCII, and numbers in every spelling the grammar allows.
enum RandomJSON {
    static let values = Generator<JSONValue, Shrink.None<JSONValue>>(run: { random in value(depth: 0, using: &random) })

    /// A value written on one line with its numbers as spelled, so the parser sees every spelling.
    static func literalBytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(layout: .oneLine)
        writer.write(value)
        return writer.output
    }

    /// The bytes of a random value, changed at one to three random places: mostly
    /// invalid JSON, sometimes still valid.
    static let damagedDocuments = Generator<[UInt8], Shrink.None<[UInt8]>>(run: { random in
        var bytes = literalBytes(value(depth: 0, using: &random))
        for _ in 0 ..< Int.random(in: 1...3, using: &random) {
            let place = Int.random(in: 0...bytes.count, using: &random)
            let byte = interestingBytes.randomElement(using: &random)!
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where place < bytes.count: bytes[place] = byte
            case 1 where place < bytes.count: bytes.remove(at: place)
            default: bytes.insert(byte, at: place)
            }
        }
        return bytes
    })

    static let nowhere = SourcePosition(line: 1, column: 1, offset: 0)

    static func value(depth: Int, using random: inout some RandomNumberGenerator) -> JSONValue {
        let kinds = depth < 4 ? 0..<7 : 0..<5
        switch Int.random(in: kinds, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(number(using: &random))
        case 3, 4: return .string(string(using: &random))
        case 5:
            return .array((0 ..< Int.random(in: 0...5, using: &random)).map { _ in
                JSONNode(value(depth: depth + 1, using: &random), at: nowhere)
            })
        default:
            var keys: [String] = []
            for _ in 0 ..< Int.random(in: 0...5, using: &random) {
                let key = string(using: &random)
                if !keys.contains(where: { $0.utf8.elementsEqual(key.utf8) }) { keys.append(key) }
            }
            return .object(JSONObject(members: keys.map { key in
                JSONObject.Member(key: key, keyPosition: nowhere, value: JSONNode(value(depth: depth + 1, using: &random), at: nowhere))
            }))
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, integer parts up to 26 digits,
    /// always within a 64-bit float's range (the parser rejects what overflows, as Go does):
    /// positive exponents up to 99, negative ones down to -999.
    static func number(using random: inout some RandomNumberGenerator) -> JSONNumber {
        func digits(_ count: ClosedRange<Int>) -> String {
            String((0 ..< Int.random(in: count, using: &random)).map { _ in "0123456789".randomElement(using: &random)! })
        }
        var literal = Bool.random(using: &random) ? "-" : ""
        literal += Bool.random(using: &random) ? "0" : String("123456789".randomElement(using: &random)!) + digits(0...25)
        if Int.random(in: 0..<3, using: &random) == 0 { literal += "." + digits(1...6) }
        if Int.random(in: 0..<3, using: &random) == 0 {
            let sign = ["", "+", "-"].randomElement(using: &random)!
            literal += ["e", "E"].randomElement(using: &random)! + sign + digits(sign == "-" ? 1...3 : 1...2)
        }
        return JSONNumber(literal: literal)
    }

    static func string(using random: inout some RandomNumberGenerator) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0 ..< Int.random(in: 0...8, using: &random) {
            scalars.append(alphabet.randomElement(using: &random)!)
        }
        return String(scalars)
    }

    private static let alphabet: [Unicode.Scalar] = [
        "a", "b", "Z", "0", " ", "-", ".", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{8}", "\u{C}", "\u{1F}", "\u{7F}",
        "é", "e", "\u{301}", "日", "😀", "\u{2028}", "\u{FEFF}", "\u{FFFF}", "\u{10FFFF}",
    ]

    private static let interestingBytes: [UInt8] = Array(",:[]{}\"\\ \n\r\t0-e.ntu/'".utf8) + [0x00, 0x80, 0xC3, 0xE2, 0xED, 0xF0, 0xFF]
}
