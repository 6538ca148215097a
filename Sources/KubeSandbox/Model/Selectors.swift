import Foundation

/// `fieldSelector`: comma-separated `label=value`, `label==value` or `label!=value` terms over the
/// field labels a resource supports (`metadata.name`, `involvedObject.uid`...).
struct FieldSelector: Sendable {
    struct Term: Sendable {
        var label: String
        var value: String
        var equals: Bool
    }

    var terms: [Term]

    static let everything = FieldSelector(terms: [])

    init(terms: [Term]) {
        self.terms = terms
    }

    init(parsing text: String, for resource: any ServedResource) throws(APIError) {
        var terms: [Term] = []
        for part in text.split(separator: ",") where !part.isEmpty {
            let term: Term
            if let range = part.range(of: "!=") {
                term = Term(label: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equals: false)
            } else if let range = part.range(of: "==") ?? part.range(of: "=") {
                term = Term(label: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equals: true)
            } else {
                throw .badRequest("invalid field selector: \"\(part)\": no operator")
            }
            guard resource.fieldValue(term.label, of: .emptyObject) != nil else {
                throw .badRequest("field label not supported: \(term.label)")
            }
            terms.append(term)
        }
        self.init(terms: terms)
    }

    func matches(_ stored: Document, in resource: any ServedResource) -> Bool {
        terms.allSatisfy { term in
            (resource.fieldValue(term.label, of: stored) == term.value) == term.equals
        }
    }

    /// The one object a `metadata.name=X` selector names: lets the store read one key.
    var selectedName: String? {
        terms.first { $0.label == "metadata.name" && $0.equals }?.value
    }
}

/// `labelSelector`: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
struct LabelSelector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement]

    static let everything = LabelSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for term in Self.splitTerms(text) {
            requirements.append(try Self.requirement(term))
        }
        self.init(requirements: requirements)
    }

    func matches(_ stored: Document) -> Bool {
        let labels = (stored[path: ["metadata", "labels"]]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        return requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): !(labels[key].map(values.contains) ?? false)
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }

    /// Splits on commas outside parentheses (`env in (a,b),tier=web`).
    private static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: terms.append(current); current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func requirement(_ term: String) throws(APIError) -> Requirement {
        if term.hasPrefix("!") {
            return .doesNotExist(String(term.dropFirst()).trimmingCharacters(in: .whitespaces))
        }
        for (separator, make) in [("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals)] {
            if let range = term.range(of: separator) {
                return make(
                    term[..<range.lowerBound].trimmingCharacters(in: .whitespaces),
                    term[range.upperBound...].trimmingCharacters(in: .whitespaces))
            }
        }
        let words = term.split(separator: " ", maxSplits: 2).map(String.init)
        if words.count == 1 { return .exists(words[0]) }
        guard words.count == 3, words[2].hasPrefix("("), words[2].hasSuffix(")") else {
            throw .badRequest("unable to parse requirement: found '\(term)', expected: in, notin, =, ==, !=, gt, lt")
        }
        let values = Set(words[2].dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        switch words[1] {
        case "in": return .isIn(words[0], values)
        case "notin": return .notIn(words[0], values)
        default: throw .badRequest("unable to parse requirement: found '\(words[1])', expected: in, notin, =, ==, !=, gt, lt")
        }
    }
}
