/// Names of the temporary files a replacement writes next to its target:
/// `.10-terway.conflist.<16 hex digits>.tmp`.
///
/// Runtimes load every name whose *last* extension is `.conf`, `.conflist` or `.json`, dot files
/// included, so the name must end in something else (`.tmp`); the leading dot keeps it out of `ls`.
enum TemporaryFileName {
    static func make(for target: String) -> String {
        var digits = String(UInt64.random(in: .min ... .max), radix: 16)
        digits = String(repeating: "0", count: digitCount - digits.count) + digits
        return prefix(for: target) + digits + suffix
    }

    /// Whether `name` is exactly one of the names `make(for: target)` can return, and so a file
    /// this package created and may remove.
    static func isTemporary(_ name: String, for target: String) -> Bool {
        let prefix = prefix(for: target)
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return false }
        let digits = name.utf8.dropFirst(prefix.utf8.count).dropLast(suffix.utf8.count)
        return digits.count == digitCount && digits.allSatisfy { hexDigits.contains($0) }
    }

    private static let digitCount = 16
    private static let suffix = ".tmp"
    private static let hexDigits = Set("0123456789abcdef".utf8)
    private static func prefix(for target: String) -> String { "." + target + "." }
}
