/// How a plugin's Go code decodes one of its fields. A value of another shape makes
/// `json.Unmarshal` fail, and with it the plugin (or, for fields libcni decodes, the runtime's
/// load of the whole list).
///
/// A JSON `null` is accepted at every level: Go's decoder leaves a typed field at its zero
/// value for `null`, so the plugin reads it as unset.
indirect enum ValueShape: Sendable {
    case boolean
    case string
    /// A Go integer given as an integer literal (Go rejects `1.0` and `1e3` for an `int`).
    case integer(ClosedRange<Int>, described: String)
    /// A Go slice.
    case array(of: ValueShape)
    /// A Go `map[string]T`.
    case map(of: ValueShape)
    /// A Go struct: only the listed members are read.
    case object(FieldShapes)

    var description: String {
        switch self {
        case .boolean: "a boolean (true or false)"
        case .string: "a string"
        case .integer(_, let described): described
        case .array(let item): "an array of \(item.plural)"
        case .map(let value): "an object whose values are \(value.plural)"
        case .object(let members): "an object with " + members.map { "\"\($0.member)\"" }.joined(separator: ", ")
        }
    }

    private var plural: String {
        switch self {
        case .boolean: "booleans"
        case .string: "strings"
        case .integer: "integers"
        case .array, .map, .object: "values of the same shape"
        }
    }

    private func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (_, .null), (.boolean, .bool), (.string, .string), (.array, .array), (.map, .object), (.object, .object):
            true
        case (.integer(let range, _), .number(let number)):
            number.goInteger.map { range.contains($0) } ?? false
        default:
            false
        }
    }

    /// Whether `value` has this shape all the way down: the quick answer for the common case,
    /// a value without a problem, before `diagnostics` spends paths and messages on one with.
    func admits(_ value: JSONValue) -> Bool {
        guard accepts(value) else { return false }
        switch (self, value) {
        case (.array(let item), .array(let items)):
            return items.allSatisfy { item.admits($0.value) }
        case (.map(let valueShape), .object(let object)):
            return object.members.allSatisfy { valueShape.admits($0.value.value) }
        case (.object(let members), .object(let object)):
            return members.allSatisfy { member, shape in object[member].map { shape.admits($0.value) } ?? true }
        default:
            return true
        }
    }

    /// How a message names the value being checked.
    enum Role {
        case member, item, value

        func subject(_ name: String) -> String {
            switch self {
            case .member: "\"\(name)\""
            case .item: "each item of \"\(name)\""
            case .value: "each value of \"\(name)\""
            }
        }
    }

    /// Every place inside `node` (the plugin's `name`, at `path`) that does not have this shape.
    func diagnostics(of node: JSONNode, named name: String, as role: Role = .member, path: JSONPath, rule: RuleID, key: String) -> [Diagnostic] {
        guard accepts(node.value) else {
            return [Diagnostic(
                .error, rule, key: key, path: path, at: node.position,
                "\(role.subject(name)) must be \(description), found \(node.value.compactDescription)\(stringHint(for: node.value))")]
        }
        switch (self, node.value) {
        case (.array(let item), .array(let items)):
            return items.enumerated().flatMap { index, element in
                item.diagnostics(of: element, named: name, as: .item, path: path.appending(index), rule: rule, key: key)
            }
        case (.map(let valueShape), .object(let object)):
            return object.members.flatMap { member in
                valueShape.diagnostics(of: member.value, named: name, as: .value, path: path.appending(member.key), rule: rule, key: key)
            }
        case (.object(let members), .object(let object)):
            return members.flatMap { member, shape in
                object[member].map {
                    shape.diagnostics(of: $0, named: "\(name).\(member)", path: path.appending(member), rule: rule, key: key)
                } ?? []
            }
        default:
            return []
        }
    }

    /// The commonest slip, `"net.ipv6.conf.all.disable_ipv6": 1`, deserves the exact fix.
    private func stringHint(for value: JSONValue) -> String {
        guard case .string = self else { return "" }
        switch value {
        case .number(let number): return "; write it as a string: \"\(number.literal)\""
        case .bool(let flag): return "; write it as a string: \"\(flag)\""
        default: return ""
        }
    }
}

/// Checks the listed members of a plugin, each as its shape, reporting under `rule`.
func shapeDiagnostics(_ fields: FieldShapes, in plugin: PluginSite, rule: RuleID) -> [Diagnostic] {
    fields.flatMap { member, shape -> [Diagnostic] in
        // `admits` answers for a good value, the common case, without building paths and messages:
        // a `sysctl` map of thousands of values made those the main cost of the rules.
        guard let node = plugin.object[member], !shape.admits(node.value) else { return [] }
        return shape.diagnostics(of: node, named: member, path: plugin.path.appending(member), rule: rule, key: plugin.key)
    }
}

/// The fields a plugin's Go struct reads, each with its shape, in the order they are checked.
typealias FieldShapes = [(member: String, shape: ValueShape)]

extension JSONNumber {
    /// What Go's decoder puts in an integer field: only an integer literal in range decodes
    /// (`1.0`, `1e3` and `1.5` are errors there, unlike `exactInteger`'s value view).
    var goInteger: Int? { Int(literal) }
}
