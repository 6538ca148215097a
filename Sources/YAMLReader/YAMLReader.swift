import CYAML

/// A YAML problem: where, and what libyaml (or this reader) found. It never quotes the input,
/// which may hold credentials.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public let mark: YAMLMark?
    /// What is wrong (`did not find expected key while parsing a block mapping`, `duplicate keys …`).
    public let problem: String

    public init(mark: YAMLMark?, problem: String) {
        self.mark = mark
        self.problem = problem
    }

    public var description: String {
        mark.map { "\($0): \(problem)" } ?? problem
    }
}

/// Reads YAML text into nodes with their positions: libyaml parses, this composes its events
/// into a tree. It exists so that the agent's modules read kubeconfigs and manifests without
/// Foundation (Yams, the usual Swift YAML library, needs all of it, and with it ICU).
public enum YAMLReader {
    /// How deep collections may nest; deeper input is refused rather than risking the stack.
    public static let maximumDepth = 256

    /// Every document of the stream, in order; an empty document is a null scalar.
    /// A mapping with two equal scalar keys is refused, as kubectl refuses it.
    public static func documents(in text: String) throws(YAMLError) -> [YAMLNode] {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return [] }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(mark: nil, problem: "out of memory") }
        defer { yaml_parser_delete(&parser) }
        return try withUnsafeMutablePointer(to: &parser) { parser throws(YAMLError) in
            try bytes.withUnsafeBufferPointer { buffer throws(YAMLError) in
                yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
                var composer = Composer(parser: parser, bytes: buffer)
                return try composer.documents()
            }
        }
    }
}

/// One libyaml event, copied out of C memory.
private enum Event {
    case streamStart, streamEnd, documentStart, documentEnd
    case alias(anchor: String, mark: YAMLMark)
    case scalar(YAMLScalar, anchor: String?)
    case sequenceStart(anchor: String?, tag: String?, mark: YAMLMark)
    case sequenceEnd
    case mappingStart(anchor: String?, tag: String?, mark: YAMLMark)
    case mappingEnd
}

private struct Composer {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let bytes: UnsafeBufferPointer<UInt8>
    /// Anchors seen so far in the current document; a later anchor of the same name replaces one.
    var anchors: [String: YAMLNode] = [:]

    init(parser: UnsafeMutablePointer<yaml_parser_t>, bytes: UnsafeBufferPointer<UInt8>) {
        self.parser = parser
        self.bytes = bytes
    }

    mutating func documents() throws(YAMLError) -> [YAMLNode] {
        var documents: [YAMLNode] = []
        while true {
            switch try next() {
            case .streamStart, .documentEnd:
                continue
            case .documentStart:
                anchors = [:]
                documents.append(try node(from: try next(), depth: 0))
            case .streamEnd:
                return documents
            default:
                throw YAMLError(mark: nil, problem: "unexpected event outside a document")
            }
        }
    }

    private mutating func node(from event: Event, depth: Int) throws(YAMLError) -> YAMLNode {
        switch event {
        case .alias(let anchor, let mark):
            guard let node = anchors[anchor] else {
                throw YAMLError(mark: mark, problem: "found undefined alias")
            }
            return node
        case .scalar(let scalar, let anchor):
            return register(.scalar(scalar), anchor)
        case .sequenceStart(let anchor, let tag, let mark):
            try checkDepth(depth, mark)
            var items: [YAMLNode] = []
            while true {
                let event = try next()
                if case .sequenceEnd = event { break }
                items.append(try node(from: event, depth: depth + 1))
            }
            return register(.sequence(YAMLSequence(items: items, tag: tag, mark: mark)), anchor)
        case .mappingStart(let anchor, let tag, let mark):
            try checkDepth(depth, mark)
            var pairs: [YAMLMapping.Pair] = []
            var seen = Set<ScalarKey>()
            while true {
                let event = try next()
                if case .mappingEnd = event { break }
                let key = try node(from: event, depth: depth + 1)
                if let scalar = key.scalar, !seen.insert(ScalarKey(scalar)).inserted {
                    // A key can be any scalar, a secret included: only a name is repeated back.
                    let name = Self.isPlainName(scalar.string) ? " \"\(scalar.string)\"" : ""
                    throw YAMLError(mark: scalar.mark, problem: "duplicate keys\(name) in one mapping: keep one of each")
                }
                pairs.append(YAMLMapping.Pair(key: key, value: try node(from: try next(), depth: depth + 1)))
            }
            return register(.mapping(YAMLMapping(pairs: pairs, tag: tag, mark: mark)), anchor)
        default:
            throw YAMLError(mark: nil, problem: "unexpected event inside a document")
        }
    }

    /// Field names and ConfigMap keys: short, ASCII letters, digits and `-_./`.
    private static func isPlainName(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 63
            && key.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || "-_./".utf8.contains(byte)
            }
    }

    private func checkDepth(_ depth: Int, _ mark: YAMLMark) throws(YAMLError) {
        guard depth < YAMLReader.maximumDepth else {
            throw YAMLError(mark: mark, problem: "collections nested more than \(YAMLReader.maximumDepth) deep")
        }
    }

    private mutating func register(_ node: YAMLNode, _ anchor: String?) -> YAMLNode {
        if let anchor { anchors[anchor] = node }
        return node
    }

    /// The next event; libyaml's error when the text is not YAML.
    private mutating func next() throws(YAMLError) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw parserError() }
        defer { yaml_event_delete(&event) }
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: Self.string(event.data.alias.anchor) ?? "", mark: mark)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let scalar = YAMLScalar(string: text, style: Self.style(data.style), tag: Self.string(data.tag), mark: mark)
            return .scalar(scalar, anchor: Self.string(data.anchor))
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            return .sequenceStart(anchor: Self.string(data.anchor), tag: Self.string(data.tag), mark: mark)
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            return .mappingStart(anchor: Self.string(data.anchor), tag: Self.string(data.tag), mark: mark)
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        default: throw YAMLError(mark: mark, problem: "unexpected libyaml event \(event.type.rawValue)")
        }
    }

    private func parserError() -> YAMLError {
        let state = parser.pointee
        let problem = Self.string(state.problem) ?? "not valid YAML"
        switch state.error {
        case YAML_READER_ERROR:
            // The reader reports a byte offset (bad UTF-8, a control character), not a mark.
            return YAMLError(mark: mark(atByte: Int(state.problem_offset)), problem: problem)
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let mark = YAMLMark(line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
            let context = Self.string(state.context).map { " \($0)" } ?? ""
            return YAMLError(mark: mark, problem: problem + context)
        case YAML_MEMORY_ERROR:
            return YAMLError(mark: nil, problem: "out of memory")
        default:
            return YAMLError(mark: nil, problem: problem)
        }
    }

    /// The line and column (in Unicode scalars) of a byte offset into the text.
    private func mark(atByte offset: Int) -> YAMLMark {
        let prefix = bytes.prefix(offset)
        let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let line = prefix.count { $0 == UInt8(ascii: "\n") } + 1
        // Count the bytes that start a scalar (not UTF-8 continuation bytes).
        let column = prefix[lineStart...].count { $0 & 0xC0 != 0x80 } + 1
        return YAMLMark(line: line, column: column)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}

/// Two scalar keys are the same key when they have the same text and the same type
/// (`1` and `"1"` are different keys, as YAML has it).
private struct ScalarKey: Hashable {
    let text: String
    let type: YAMLType

    init(_ scalar: YAMLScalar) {
        text = scalar.string
        type = scalar.type
    }
}
