/// One place where two JSON documents differ. A nil side means the member or element is missing there.
public struct JSONDifference: Sendable, Hashable {
    public var path: JSONPath
    public var here: JSONNode?
    public var there: JSONNode?

    public init(path: JSONPath, here: JSONNode?, there: JSONNode?) {
        self.path = path
        self.here = here
        self.there = there
    }
}

extension JSONValue {
    /// Semantic equality: objects irrespective of member order, arrays in order, numbers by exact
    /// decimal value (`1 == 1.0 == 1e0 == 10e-1`, `-0 == 0`), strings and keys byte for byte,
    /// positions ignored.
    public func isEquivalent(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null):
            return true
        case (.bool(let mine), .bool(let theirs)):
            return mine == theirs
        case (.number(let mine), .number(let theirs)):
            return mine.isNumericallyEqual(to: theirs)
        case (.string(let mine), .string(let theirs)):
            return mine.isByteForByteEqual(to: theirs)
        case (.array(let mine), .array(let theirs)):
            return mine.count == theirs.count && zip(mine, theirs).allSatisfy { $0.value.isEquivalent(to: $1.value) }
        case (.object(let mine), .object(let theirs)):
            guard mine.members.count == theirs.members.count else { return false }
            let theirValues = ExactKeyIndex(theirs.members)
            return mine.members.allSatisfy { member in
                theirValues[member.key].map { member.value.value.isEquivalent(to: $0.value) } ?? false
            }
        default:
            return false
        }
    }
}

extension JSONNode {
    /// Every place where `self` and `other` differ semantically, recursing into objects by key
    /// and arrays by index, with paths relative to `base`. Objects list differences in `self`'s
    /// member order, then members only `other` has; arrays of different lengths give one
    /// difference per extra or missing element.
    public func differences(from other: JSONNode, at base: JSONPath = .root) -> [JSONDifference] {
        var found: [JSONDifference] = []
        collectDifferences(from: other, at: base, into: &found)
        return found
    }

    private func collectDifferences(from other: JSONNode, at path: JSONPath, into found: inout [JSONDifference]) {
        switch (value, other.value) {
        case (.array(let mine), .array(let theirs)):
            for index in 0 ..< max(mine.count, theirs.count) {
                switch (mine.indices.contains(index) ? mine[index] : nil, theirs.indices.contains(index) ? theirs[index] : nil) {
                case (let here?, let there?): here.collectDifferences(from: there, at: path.appending(index), into: &found)
                case (let here, let there): found.append(JSONDifference(path: path.appending(index), here: here, there: there))
                }
            }
        case (.object(let mine), .object(let theirs)):
            let theirValues = ExactKeyIndex(theirs.members)
            for member in mine.members {
                let memberPath = path.appending(member.key)
                if let there = theirValues[member.key] {
                    member.value.collectDifferences(from: there, at: memberPath, into: &found)
                } else {
                    found.append(JSONDifference(path: memberPath, here: member.value, there: nil))
                }
            }
            let myValues = ExactKeyIndex(mine.members)
            for member in theirs.members where myValues[member.key] == nil {
                found.append(JSONDifference(path: path.appending(member.key), here: nil, there: member.value))
            }
        default:
            if !value.isEquivalent(to: other.value) {
                found.append(JSONDifference(path: path, here: self, there: other))
            }
        }
    }
}
