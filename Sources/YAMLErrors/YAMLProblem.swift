import Yams

/// A YAML document that could not be read, by position and kind only. Yams' own descriptions
/// quote the offending line (and for a duplicated key, the whole document), and the line of a
/// kubeconfig or a ConfigMap manifest can hold a token or `eni_conf`'s secret, so messages are
/// built from this instead.
public struct YAMLProblem: Sendable, Hashable, CustomStringConvertible {
    /// 1-based, when the parser knows where.
    public var line: Int?
    public var column: Int?
    /// What is wrong, in the parser's fixed words ("mapping values are not allowed in this
    /// context"), never words taken from the input.
    public var kind: String

    public init(line: Int?, column: Int?, kind: String) {
        self.line = line
        self.column = column
        self.kind = kind
    }

    public init(_ error: any Error) {
        guard let error = error as? YamlError else {
            self.init(line: nil, column: nil, kind: "the YAML reader failed (\(type(of: error)))")
            return
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            // libyaml's context and problem are fixed strings of its own.
            self.init(line: mark.line, column: mark.column, kind: [context?.text, problem].compactMap { $0 }.joined(separator: ": "))
        case .reader(let problem, let offset, _, let yaml):
            let position = offset.map { Self.position(ofCharacter: $0, in: yaml) }
            self.init(line: position?.line, column: position?.column, kind: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Keys are names (kubeconfig fields, ConfigMap keys), but a key can be any scalar:
            // only short plain names are repeated back.
            let plain = duplicates.allSatisfy(Self.isPlainName)
            let keys = plain ? " " + duplicates.map { "\"\($0)\"" }.joined(separator: ", ") : ""
            self.init(line: context.mark.line, column: context.mark.column, kind: "duplicate keys\(keys) in one mapping: keep one of each")
        case .dataCouldNotBeDecoded:
            self.init(line: nil, column: nil, kind: "not text in the expected encoding")
        case .memory:
            self.init(line: nil, column: nil, kind: "out of memory")
        default:
            // Emitter and representer errors: never raised while reading.
            self.init(line: nil, column: nil, kind: "the YAML reader failed")
        }
    }

    /// `:3:7`, or empty when the position is unknown: appended to a file name.
    public var positionSuffix: String {
        guard let line, let column else { return "" }
        return ":\(line):\(column)"
    }

    /// `3:7: mapping values are not allowed in this context`.
    public var description: String {
        guard let line, let column else { return kind }
        return "\(line):\(column): \(kind)"
    }

    private static func isPlainName(_ key: String) -> Bool {
        key.utf8.count <= 63 && !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./".unicodeScalars.contains(scalar))
        }
    }

    /// Yams gives a reader error's place as a count of characters from the start.
    private static func position(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
