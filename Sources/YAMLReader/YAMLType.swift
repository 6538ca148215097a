/// A node's type, by the YAML 1.1 rules that kubectl's YAML library (go-yaml v2) applies: a
/// plain scalar is typed by its text (`true`, `yes`, `42`, `~`), a quoted or block scalar is a
/// string, and an explicit tag (`!!str true`) decides over both.
///
/// Timestamps are strings here, as kubectl reads them into a ConfigMap's string values.
public enum YAMLType: Sendable, Hashable {
    case null
    case bool
    /// An integer or a float (`42`, `0x2a`, `1_000`, `4.2e1`, `.inf`).
    case number
    case string
    case mapping
    case sequence
    /// An explicit tag this reader gives no type (`!!binary`, `!custom`).
    case other(tag: String)

    static let trueWords: Set<String> = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
    static let falseWords: Set<String> = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]
    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// The type an explicit tag names; `!` (non-specific) keeps the node's kind, `fallback`.
    init(tag: String, default fallback: YAMLType) {
        switch tag {
        case "!": self = fallback
        case "tag:yaml.org,2002:str": self = .string
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float": self = .number
        case "tag:yaml.org,2002:bool": self = .bool
        case "tag:yaml.org,2002:null": self = .null
        case "tag:yaml.org,2002:map": self = .mapping
        case "tag:yaml.org,2002:seq": self = .sequence
        default: self = .other(tag: tag)
        }
    }

    /// The type of an untagged plain scalar, by its text.
    init(plain text: String) {
        if Self.nullWords.contains(text) {
            self = .null
        } else if Self.trueWords.contains(text) || Self.falseWords.contains(text) {
            self = .bool
        } else if NumberText(text).isNumber {
            self = .number
        } else {
            self = .string
        }
    }
}

/// The YAML 1.1 forms of an integer or a float:
///
///     [-+]? ( 0b[01_]+ | 0x[0-9a-fA-F_]+ | 0o[0-7_]+
///           | [1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?         sexagesimal, 1:30
///           | [0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?      decimal, leading-zero octal
///           | \.(inf|Inf|INF) )
///     | \.[0-9_]+([eE][-+][0-9]+)? | \.(nan|NaN|NAN)
///
/// Matched by hand rather than by regular expressions, which on Linux come with ICU.
private struct NumberText {
    private let bytes: [UInt8]

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var isNumber: Bool {
        var body = bytes[...]
        let signed = body.first == UInt8(ascii: "+") || body.first == UInt8(ascii: "-")
        if signed { body = body.dropFirst() }
        guard let first = body.first else { return false }
        let text = String(decoding: body, as: UTF8.self)
        if [".inf", ".Inf", ".INF"].contains(text) { return true }
        if first == UInt8(ascii: ".") {
            return !signed && (["nan", "NaN", "NAN"].contains(String(text.dropFirst())) || Self.isFraction(body))
        }
        for (prefix, digits) in [("0b", "01_"), ("0x", "0123456789abcdefABCDEF_"), ("0o", "01234567_")] where text.hasPrefix(prefix) {
            let rest = body.dropFirst(2)
            return !rest.isEmpty && rest.allSatisfy { digits.utf8.contains($0) }
        }
        return body.contains(UInt8(ascii: ":")) ? Self.isSexagesimal(body) : Self.isDecimal(body)
    }

    /// `[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?`
    private static func isDecimal(_ text: ArraySlice<UInt8>) -> Bool {
        var rest = text
        guard rest.first.map(isDigit) == true else { return false }
        rest = rest.drop(while: isDigitOrUnderscore)
        if rest.first == UInt8(ascii: ".") { rest = rest.dropFirst().drop(while: isDigitOrUnderscore) }
        return rest.isEmpty || isExponent(rest, signRequired: false)
    }

    /// `\.[0-9_]+([eE][-+][0-9]+)?`
    private static func isFraction(_ text: ArraySlice<UInt8>) -> Bool {
        let digits = text.dropFirst().prefix(while: isDigitOrUnderscore)
        let rest = text.dropFirst(1 + digits.count)
        return !digits.isEmpty && (rest.isEmpty || isExponent(rest, signRequired: true))
    }

    /// `[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?`
    private static func isSexagesimal(_ text: ArraySlice<UInt8>) -> Bool {
        guard let first = text.first, isDigit(first), first != UInt8(ascii: "0") else { return false }
        let (wholePart, fraction) = splitOnce(text, at: UInt8(ascii: "."))
        if let fraction, !fraction.allSatisfy(isDigitOrUnderscore) { return false }
        let groups = wholePart.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard groups[0].allSatisfy(isDigitOrUnderscore), groups.count > 1 else { return false }
        return groups.dropFirst().allSatisfy { group in
            switch group.count {
            case 1: isDigit(group.first!)
            case 2: (UInt8(ascii: "0")...UInt8(ascii: "5")).contains(group.first!) && isDigit(group.last!)
            default: false
            }
        }
    }

    /// `[eE][-+]?[0-9]+` (the sign required after a leading-dot fraction, as YAML 1.1 writes it).
    private static func isExponent(_ text: ArraySlice<UInt8>, signRequired: Bool) -> Bool {
        guard text.first == UInt8(ascii: "e") || text.first == UInt8(ascii: "E") else { return false }
        var digits = text.dropFirst()
        if digits.first == UInt8(ascii: "+") || digits.first == UInt8(ascii: "-") {
            digits = digits.dropFirst()
        } else if signRequired {
            return false
        }
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    private static func splitOnce(_ text: ArraySlice<UInt8>, at separator: UInt8) -> (ArraySlice<UInt8>, ArraySlice<UInt8>?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isDigitOrUnderscore(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "_")
    }
}
