/// How runtimes choose among the files of a CNI directory (docs/cni-rules.md, "How runtimes pick the file"):
/// they take names whose last extension is `.conf`, `.conflist` or `.json` (dot files included, as
/// Go's `filepath.Ext` sees them), sort them byte-wise, and use the first valid one.
enum RuntimeConfigName {
    static func isLoaded(_ name: [UInt8]) -> Bool {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")) else { return false }
        return loadedExtensions.contains(Array(name[(dot + 1)...]))
    }

    /// Go's `sort.Strings` order: bytes, not Unicode.
    static func sortsBefore(_ name: [UInt8], _ other: [UInt8]) -> Bool {
        name.lexicographicallyPrecedes(other)
    }

    private static let loadedExtensions: Set<[UInt8]> = [Array("conf".utf8), Array("conflist".utf8), Array("json".utf8)]
}
