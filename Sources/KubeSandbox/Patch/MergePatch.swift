/// JSON merge patch (RFC 7386, `application/merge-patch+json`): objects merge key by key,
/// `null` deletes a key, anything else replaces.
enum MergePatch {
    static func apply(_ patch: Document, to target: Document) -> Document {
        guard case .object(let changes) = patch else { return patch }
        var merged = target.objectValue ?? [:]
        for (key, change) in changes {
            if case .null = change {
                merged[key] = nil
            } else {
                merged[key] = apply(change, to: merged[key] ?? .null)
            }
        }
        return .object(merged)
    }
}
