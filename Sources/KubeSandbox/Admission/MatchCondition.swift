/// A webhook's `matchConditions` expression, in the part of CEL the sandbox evaluates: field
/// paths from `request`, `object` and `oldObject`, string and boolean literals, `==`, `!=`,
/// `!`, `&&`, `||`, parentheses and `has(path)`. Enough for conditions on names, namespaces,
/// operations and labels, such as `request.namespace == 'kube-system' && request.name ==
/// 'eni-config'`; anything else is refused when the configuration is written, so a test never
/// runs with a condition the sandbox would get wrong.
struct MatchCondition: Sendable {
    indirect enum Expression: Sendable {
        case literal(Document)
        case path([String])
        case has([String])
        case not(Expression)
        case and(Expression, Expression)
        case or(Expression, Expression)
        case equal(Expression, Expression, negated: Bool)
    }

    struct CompileError: Error {
        var message: String
    }

    struct EvaluationError: Error {
        var message: String
    }

    static let variables: Set<String> = ["request", "object", "oldObject"]

    let name: String
    let expression: Expression

    init(name: String, source: String) throws(CompileError) {
        var parser = Parser(tokens: try Self.tokens(source))
        let expression = try parser.orExpression()
        guard parser.isAtEnd else { throw CompileError(message: "unexpected \(parser.current.map { "\($0)" } ?? "end")") }
        self.name = name
        self.expression = expression
    }

    /// True or false for this request; an error (a missing field, a non-boolean result) is
    /// what the API server hands to the webhook's failurePolicy.
    func evaluate(_ variables: [String: Document]) throws(EvaluationError) -> Bool {
        guard case .bool(let result) = try Self.value(expression, variables) else {
            throw EvaluationError(message: "expression of matchCondition \"\(name)\" did not evaluate to a bool")
        }
        return result
    }

    private static func value(_ expression: Expression, _ variables: [String: Document]) throws(EvaluationError) -> Document {
        switch expression {
        case .literal(let value):
            return value
        case .path(let path):
            guard let value = lookup(path, variables) else { throw EvaluationError(message: "no such key: \(path.joined(separator: "."))") }
            return value
        case .has(let path):
            return .bool(lookup(path, variables) != nil)
        case .not(let operand):
            return .bool(!(try boolean(operand, variables)))
        case .and(let left, let right):
            // Short-circuits as CEL does for a false left side (the right may not be evaluable).
            guard try boolean(left, variables) else { return .bool(false) }
            return .bool(try boolean(right, variables))
        case .or(let left, let right):
            guard try !boolean(left, variables) else { return .bool(true) }
            return .bool(try boolean(right, variables))
        case .equal(let left, let right, let negated):
            return .bool((try value(left, variables) == value(right, variables)) != negated)
        }
    }

    private static func boolean(_ expression: Expression, _ variables: [String: Document]) throws(EvaluationError) -> Bool {
        guard case .bool(let result) = try value(expression, variables) else {
            throw EvaluationError(message: "no such overload: a logical operator applied to a non-boolean")
        }
        return result
    }

    /// nil for a missing key, and for any step through a null (`object` of a DELETE).
    private static func lookup(_ path: [String], _ variables: [String: Document]) -> Document? {
        var current = variables[path[0]]
        for key in path.dropFirst() {
            current = current?[key]
        }
        if case .null = current { return nil }
        return current
    }

    // MARK: Parsing

    enum Token: Equatable, CustomStringConvertible {
        case identifier(String)
        case string(String)
        case symbol(String)

        var description: String {
            switch self {
            case .identifier(let name): name
            case .string(let text): "'\(text)'"
            case .symbol(let symbol): symbol
            }
        }
    }

    private static func tokens(_ source: String) throws(CompileError) -> [Token] {
        var tokens: [Token] = []
        var characters = Array(source)[...]
        while let character = characters.first {
            if character.isWhitespace {
                characters.removeFirst()
            } else if character.isLetter || character == "_" {
                let word = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                characters.removeFirst(word.count)
                tokens.append(.identifier(String(word)))
            } else if character == "'" || character == "\"" {
                characters.removeFirst()
                var text = ""
                var closed = false
                while let next = characters.popFirst() {
                    if next == character {
                        closed = true
                        break
                    }
                    if next == "\\", let escaped = characters.popFirst() { text.append(escaped) } else { text.append(next) }
                }
                guard closed else { throw CompileError(message: "unterminated string") }
                tokens.append(.string(text))
            } else if let symbol = ["==", "!=", "&&", "||"].first(where: { characters.starts(with: $0) }) {
                characters.removeFirst(2)
                tokens.append(.symbol(symbol))
            } else if "!().".contains(character) {
                characters.removeFirst()
                tokens.append(.symbol(String(character)))
            } else {
                throw CompileError(message: "the sandbox does not evaluate \"\(character)\" in CEL expressions")
            }
        }
        return tokens
    }

    private struct Parser {
        let tokens: [Token]
        var position = 0

        var isAtEnd: Bool { position == tokens.count }
        var current: Token? { isAtEnd ? nil : tokens[position] }

        mutating func take(_ symbol: String) -> Bool {
            guard current == .symbol(symbol) else { return false }
            position += 1
            return true
        }

        mutating func orExpression() throws(CompileError) -> Expression {
            var left = try andExpression()
            while take("||") { left = .or(left, try andExpression()) }
            return left
        }

        mutating func andExpression() throws(CompileError) -> Expression {
            var left = try unary()
            while take("&&") { left = .and(left, try unary()) }
            return left
        }

        mutating func unary() throws(CompileError) -> Expression {
            if take("!") { return .not(try unary()) }
            let left = try primary()
            if take("==") { return .equal(left, try primary(), negated: false) }
            if take("!=") { return .equal(left, try primary(), negated: true) }
            return left
        }

        mutating func primary() throws(CompileError) -> Expression {
            guard let token = current else { throw CompileError(message: "unexpected end of expression") }
            position += 1
            switch token {
            case .symbol("("):
                let inner = try orExpression()
                guard take(")") else { throw CompileError(message: "missing )") }
                return inner
            case .string(let text):
                return .literal(.string(text))
            case .identifier("true"), .identifier("false"):
                return .literal(.bool(token == .identifier("true")))
            case .identifier("has"):
                guard take("(") else { throw CompileError(message: "has needs (") }
                let path = try self.path()
                guard take(")") else { throw CompileError(message: "missing ) after has(") }
                return .has(path)
            case .identifier:
                position -= 1
                return .path(try path())
            default:
                throw CompileError(message: "unexpected \(token)")
            }
        }

        mutating func path() throws(CompileError) -> [String] {
            guard case .identifier(let root) = current, MatchCondition.variables.contains(root) else {
                throw CompileError(message: "undeclared reference to '\(current.map { "\($0)" } ?? "")' (the sandbox knows request, object and oldObject)")
            }
            position += 1
            var path = [root]
            while take(".") {
                guard case .identifier(let field) = current else { throw CompileError(message: "a field name must follow '.'") }
                position += 1
                path.append(field)
            }
            return path
        }
    }
}
