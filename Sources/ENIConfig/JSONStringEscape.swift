/// The escapes JSON requires inside a string, shared by the writer and the parser's hints.
enum JSONStringEscape {
    /// How a byte must be written inside a JSON string (`\"`, `\\`, `\n`, `\u0001`),
    /// or nil when it may stand for itself.
    static func required(for byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "\""): "\\\""
        case UInt8(ascii: "\\"): "\\\\"
        case 0x08: "\\b"
        case 0x09: "\\t"
        case 0x0A: "\\n"
        case 0x0C: "\\f"
        case 0x0D: "\\r"
        case 0..<0x20: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        default: nil
        }
    }
}
