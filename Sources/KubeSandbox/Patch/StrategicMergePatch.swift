/// Strategic merge patch (`application/strategic-merge-patch+json`) for the types served here.
/// ConfigMaps and Events have no lists of their own, so the patch is a merge patch except for
/// ObjectMeta's two merge lists (`finalizers` by value, `ownerReferences` by `uid`) and the
/// directives kubectl writes: `$patch: replace|delete`, `$retainKeys`, `$setElementOrder/…`
/// and `$deleteFromPrimitiveList/…`. Written by hand: no Swift library implements it.
enum StrategicMergePatch {
    /// List fields merged instead of replaced, by path from the object root, with their merge key
    /// (nil: a list of primitives merged as a set).
    private static let mergeLists: [[String]: String?] = [
        ["metadata", "finalizers"]: nil,
        ["metadata", "ownerReferences"]: "uid",
    ]

    static func apply(_ patch: Document, to target: Document) throws(APIError) -> Document {
        try apply(patch, to: target, path: [])
    }

    private static func apply(_ patch: Document, to target: Document, path: [String]) throws(APIError) -> Document {
        guard case .object(var changes) = patch else { return patch }
        if let directive = changes.removeValue(forKey: "$patch") {
            switch directive.stringValue {
            case "replace": return .object(changes.filter { !$0.key.hasPrefix("$") })
            case "delete": return .null
            default: throw .badRequest("unknown patch type: \(directive.stringValue ?? directive.typeName) in map: \(path.joined(separator: "."))")
            }
        }
        var merged = target.objectValue ?? [:]
        if let retain = changes.removeValue(forKey: "$retainKeys") {
            let kept = Set((retain.arrayValue ?? []).compactMap(\.stringValue))
            merged = merged.filter { kept.contains($0.key) }
        }
        for (key, change) in changes.sorted(by: { $0.key < $1.key }) {
            if key.hasPrefix("$setElementOrder/") { continue }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let removed = change.arrayValue ?? []
                merged[field] = merged[field].map { .array(($0.arrayValue ?? []).filter { !removed.contains($0) }) }
                continue
            }
            let childPath = path + [key]
            if case .null = change {
                merged[key] = nil
            } else if let mergeKey = mergeLists[childPath], case .array(let items) = change {
                merged[key] = mergeList(items, into: merged[key]?.arrayValue ?? [], mergeKey: mergeKey)
            } else {
                let result = try apply(change, to: merged[key] ?? .null, path: childPath)
                merged[key] = result == .null ? nil : result
            }
        }
        return .object(merged)
    }

    private static func mergeList(_ items: [Document], into current: [Document], mergeKey: String?) -> Document {
        var result = current
        for item in items {
            guard let mergeKey else {
                if !result.contains(item) { result.append(item) }
                continue
            }
            let identity = item[mergeKey]
            if item["$patch"] == "delete" {
                result.removeAll { $0[mergeKey] == identity }
            } else if let index = result.firstIndex(where: { $0[mergeKey] == identity }) {
                result[index] = MergePatch.apply(item, to: result[index])
            } else {
                result.append(item)
            }
        }
        return .array(result)
    }
}
