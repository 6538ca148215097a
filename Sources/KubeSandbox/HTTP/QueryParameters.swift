import Foundation

/// A request's query, decoded the way Go's `url.ParseQuery` does (`+` is a space), which
/// matters for label selectors such as `env in (a,b)`.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            if values[key] == nil {
                values[key] = parts.count > 1 ? Self.decode(parts[1]) : ""
            }
        }
    }

    var all: [String: String] { values }

    subscript(_ key: String) -> String? {
        values[key]
    }

    func flag(_ key: String) -> Bool {
        Self.isTrue(values[key])
    }

    /// Go's `strconv.ParseBool` spellings; a bare `?watch` counts as true, as the apiserver's decoder takes it.
    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["", "1", "t", "T", "true", "TRUE", "True"].contains(value)
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
