/// A JSON value the property tests build and then write out in a random but valid style,
/// independent of the parser and writer under test.
indirect enum TestJSON: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([TestJSON])
    case object([Member])

    struct Member: Sendable, Equatable {
        var key: String
        var value: TestJSON
    }

    /// How to lay the text out; every style is valid JSON for the same value.
    struct Style: Sendable {
        var indent: Int?  // nil: all on one line
        var spaceAfterColon: Bool

        static let compact = Style(indent: nil, spaceAfterColon: false)

        static func random(using rng: inout some RandomNumberGenerator) -> Style {
            Style(indent: [nil, 1, 2, 4].randomElement(using: &rng)!, spaceAfterColon: Bool.random(using: &rng))
        }
    }

    func text(_ style: Style) -> String {
        var out = ""
        write(to: &out, style: style, depth: 0)
        return out + (style.indent == nil ? "" : "\n")
    }

    subscript(key: String) -> TestJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    private func write(to out: inout String, style: Style, depth: Int) {
        func newline(_ level: Int) {
            guard let indent = style.indent else { return }
            out += "\n" + String(repeating: " ", count: indent * level)
        }
        switch self {
        case .string(let text): out += Self.quoted(text)
        case .number(let literal): out += literal
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                newline(depth + 1)
                item.write(to: &out, style: style, depth: depth + 1)
            }
            if !items.isEmpty { newline(depth) }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                newline(depth + 1)
                out += Self.quoted(member.key) + (style.spaceAfterColon ? ": " : ":")
                member.value.write(to: &out, style: style, depth: depth + 1)
            }
            if !members.isEmpty { newline(depth) }
            out += "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension TestJSON {
    /// The number of values inside, this one included (what `replacing(at:)` indexes).
    var valueCount: Int {
        switch self {
        case .array(let items): 1 + items.map(\.valueCount).reduce(0, +)
        case .object(let members): 1 + members.map(\.value.valueCount).reduce(0, +)
        default: 1
        }
    }

    /// This value with the `index`-th value (in pre-order) replaced by `transform` of it.
    func replacing(at index: Int, with transform: (TestJSON) -> TestJSON) -> TestJSON {
        var remaining = index
        return replacing(&remaining, transform)
    }

    private func replacing(_ remaining: inout Int, _ transform: (TestJSON) -> TestJSON) -> TestJSON {
        if remaining == 0 {
            remaining = -1
            return transform(self)
        }
        remaining -= 1
        switch self {
        case .array(let items):
            return .array(items.map { $0.replacing(&remaining, transform) })
        case .object(let members):
            return .object(members.map { Member(key: $0.key, value: $0.value.replacing(&remaining, transform)) })
        default:
            return self
        }
    }
}
