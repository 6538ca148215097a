/// The escapes JSON requires inside a string, shared by the writer and the parser's hints.
enum JSONStringEscape {
    /// Whether a byte must be escaped inside a JSON string: `"`, `\` and the control characters.
    /// The writer asks this of every byte it writes, so it is one cheap test.
    static func isRequired(for byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// How a byte for which `isRequired(for:)` holds is written: `\"`, `\\`, `\n`, `\u0001`.
    static func escape(_ byte: UInt8) -> String {
        precondition(isRequired(for: byte), "only \", \\ and control characters are escaped")
        return switch byte {
        case UInt8(ascii: "\""): "\\\""
        case UInt8(ascii: "\\"): "\\\\"
        case 0x08: "\\b"
        case 0x09: "\\t"
        case 0x0A: "\\n"
        case 0x0C: "\\f"
        case 0x0D: "\\r"
        default: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }
}

/// Go's `encoding/json` string escapes (`appendString` with HTML escaping, Go 1.22 and later):
/// `"`, `\`, the control characters (`\b \f \n \r \t` short, the rest `\u00XX` in lower-case
/// hex), `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, and U+2028 / U+2029 as `\u2028` /
/// `\u2029`. Invalid UTF-8 never reaches the writer: the parser rejects it.
enum GoStringEscape {
    static func isRequired(for byte: UInt8) -> Bool {
        JSONStringEscape.isRequired(for: byte) || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
    }

    static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
            "\\u00" + String(byte, radix: 16)
        default:
            JSONStringEscape.escape(byte)
        }
    }

    /// `\u2028` or `\u2029` when the UTF-8 sequence at `index` is U+2028 or U+2029 (E2 80 A8 / A9).
    static func lineOrParagraphSeparator(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> String? {
        guard index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x80 else { return nil }
        switch bytes[index + 2] {
        case 0xA8: return "\\u2028"
        case 0xA9: return "\\u2029"
        default: return nil
        }
    }
}
