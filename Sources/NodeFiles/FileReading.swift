import SystemFiles

/// The agent writes a few MiB at most (a 1 MiB ConfigMap renders to about 1 MiB); anything far
/// larger at one of its paths was not written by it and must not be read whole on every probe.
let nodeFileSizeLimit = 64 * 1024 * 1024

/// The bytes of the regular file at `path`, following symbolic links the way runtimes do when
/// they load it; nil when nothing is there.
func readFileIfPresent(_ path: String) throws(NodeFileError) -> [UInt8]? {
    do {
        return try WholeFile.readIfPresent(path, regularFileOnly: true, sizeLimit: nodeFileSizeLimit)
    } catch {
        switch error.cause {
        case .system(let code):
            throw .system(error.step.rawValue, path, code: code)
        case .notRegularFile:
            throw NodeFileError(
                operation: "read", path: path, reason: "it is \(error.reason)",
                remedy: "remove whatever is at \(path); only a regular file belongs there")
        case .tooLarge:
            throw NodeFileError(
                operation: "read", path: path, reason: "it is \(error.reason)",
                remedy: "this agent never writes such a file: move it away from \(path) and look at what wrote it")
        }
    }
}
