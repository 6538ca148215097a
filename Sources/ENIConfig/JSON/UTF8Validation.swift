/// Checks one UTF-8 sequence against the well-formed byte ranges of Unicode's Table 3-7,
/// which exclude overlong encodings, encoded UTF-16 surrogates and code points past U+10FFFF.
enum UTF8Validation {
    /// The length of the well-formed sequence that starts at `start` (whose first byte is not ASCII),
    /// or what is wrong with it.
    static func sequenceLength(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Result<Int, Problem> {
        let lead = bytes[start]
        let length: Int
        var secondByteRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x80...0xBF:
            return .failure(Problem("unexpected continuation byte \(hex(lead)) with no lead byte before it"))
        case 0xC0, 0xC1:
            return .failure(Problem("byte \(hex(lead)) starts an overlong encoding of an ASCII character"))
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            secondByteRange = 0xA0...0xBF
        case 0xED:
            length = 3
            secondByteRange = 0x80...0x9F
        case 0xE1...0xEF:
            length = 3
        case 0xF0:
            length = 4
            secondByteRange = 0x90...0xBF
        case 0xF4:
            length = 4
            secondByteRange = 0x80...0x8F
        case 0xF1...0xF3:
            length = 4
        default:
            return .failure(Problem("byte \(hex(lead)) never occurs in UTF-8"))
        }
        for index in start + 1 ..< start + length {
            guard index < bytes.count else {
                return .failure(Problem("truncated sequence: \(hex(lead)) needs \(length - 1) continuation byte(s), found end of input"))
            }
            let byte = bytes[index]
            if index == start + 1 && !secondByteRange.contains(byte) && (0x80...0xBF).contains(byte) {
                return .failure(Problem(secondByteProblem(lead: lead, second: byte)))
            }
            guard (0x80...0xBF).contains(byte) else {
                return .failure(Problem("expected a continuation byte (0x80–0xBF) after \(hex(lead)), found \(hex(byte))"))
            }
        }
        return .success(length)
    }

    struct Problem: Error {
        let detail: String

        init(_ detail: String) {
            self.detail = detail
        }

        var message: String { "invalid UTF-8: \(detail); save the text as UTF-8" }
    }

    private static func secondByteProblem(lead: UInt8, second: UInt8) -> String {
        switch lead {
        case 0xED: "\(hex(lead)) \(hex(second)) encodes a UTF-16 surrogate (U+D800–U+DFFF), which UTF-8 forbids"
        case 0xF4: "\(hex(lead)) \(hex(second)) encodes a code point past U+10FFFF"
        default: "\(hex(lead)) \(hex(second)) is an overlong encoding"
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 16 ? "0x0" + digits : "0x" + digits
    }
}
