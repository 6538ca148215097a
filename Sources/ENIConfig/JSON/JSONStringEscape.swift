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
