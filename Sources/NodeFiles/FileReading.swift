import SystemFiles

/// The bytes of the regular file at `path`, following symbolic links the way runtimes do when
/// they load it; nil when nothing is there.
func readFileIfPresent(_ path: String) throws(NodeFileError) -> [UInt8]? {
    do {
        return try WholeFile.readIfPresent(path, regularFileOnly: true)
    } catch {
        switch error.cause {
        case .system(let code):
            throw .system(error.step.rawValue, path, code: code)
        // No size limit is asked for here: only the kind can be refused.
        case .notRegularFile, .tooLarge:
            throw NodeFileError(
                operation: "read", path: path, reason: "it is \(error.reason)",
                remedy: "remove whatever is at \(path); only a regular file belongs there")
        }
    }
}
