/// Where a node starts in the text: 1-based line and column (columns count Unicode scalars,
/// as libyaml does).
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`
    public var description: String { "\(line):\(column)" }
}

/// How a scalar was written; only plain scalars are typed by their text (see `YAMLType`).
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain
    case singleQuoted
    case doubleQuoted
    /// `|`
    case literal
    /// `>`
    case folded
}

public struct YAMLScalar: Sendable, Hashable {
    public let string: String
    public let style: YAMLScalarStyle
    /// The tag written in the document, in full (`!!int` is `tag:yaml.org,2002:int`); nil when none.
    public let tag: String?
    public let mark: YAMLMark

    public var type: YAMLType {
        if let tag { return YAMLType(tag: tag, default: .string) }
        return style == .plain ? YAMLType(plain: string) : .string
    }
}

public struct YAMLMapping: Sendable, Hashable {
    public struct Pair: Sendable, Hashable {
        public let key: YAMLNode
        public let value: YAMLNode
    }

    /// In document order; no two scalar keys are the same (the reader refuses duplicates).
    public let pairs: [Pair]
    public let tag: String?
    public let mark: YAMLMark

    /// The value of the scalar key written `key`.
    public subscript(key: String) -> YAMLNode? {
        pairs.first { $0.key.scalar?.string == key }?.value
    }

    public var keys: [YAMLNode] { pairs.map(\.key) }
}

public struct YAMLSequence: Sendable, Hashable {
    public let items: [YAMLNode]
    public let tag: String?
    public let mark: YAMLMark
}

/// One node of a YAML document. Aliases are already replaced by the node their anchor names.
public indirect enum YAMLNode: Sendable, Hashable {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)

    public var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let sequence): sequence.mark
        }
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = self { scalar } else { nil }
    }

    public var mapping: YAMLMapping? {
        if case .mapping(let mapping) = self { mapping } else { nil }
    }

    public var sequence: YAMLSequence? {
        if case .sequence(let sequence) = self { sequence } else { nil }
    }

    /// A scalar's text, whatever its type.
    public var string: String? { scalar?.string }

    public var type: YAMLType {
        switch self {
        case .scalar(let scalar): scalar.type
        case .mapping(let mapping): mapping.tag.map { YAMLType(tag: $0, default: .mapping) } ?? .mapping
        case .sequence(let sequence): sequence.tag.map { YAMLType(tag: $0, default: .sequence) } ?? .sequence
        }
    }

    /// The value of a boolean scalar (`true`, `yes`, `on`, …); nil for anything else.
    public var bool: Bool? {
        guard type == .bool, let text = string else { return nil }
        return YAMLType.trueWords.contains(text)
    }
}
