#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ENIConfig

/// Checks that every plugin of the chain has an executable in the CNI bin directory
/// (`--cni-bin-dir`, `/opt/cni/bin`), as docs/cni-rules.md asks: a missing or non-executable
/// binary fails every pod ADD on the node, so it is an error; a missing bin directory is one
/// warning, since then nothing could be checked.
public func checkPluginBinaries(_ pluginTypes: [String], in binDirectory: String) -> [Diagnostic] {
    if let problem = binDirectoryProblem(binDirectory) {
        // Each binary once, in chain order: a long chain repeats the same few types.
        var seen = Set<String>()
        let binaries = pluginTypes.filter { seen.insert($0).inserted }
        return [
            Diagnostic(
                .warning, rule: .binDirMissing, key: CNIDirectory.nodeFileName,
                "the CNI bin directory \(binDirectory) \(problem), so the chain's plugin binaries "
                    + "(\(binaries.joined(separator: ", "))) could not be checked; point --cni-bin-dir at it")
        ]
    }
    return pluginTypes.enumerated().compactMap { index, type in checkPluginBinary(index: index, type: type, in: binDirectory) }
}

private func checkPluginBinary(index: Int, type: String, in binDirectory: String) -> Diagnostic? {
    // An empty type, one with a path separator or a NUL (which stat() would stop at) names no
    // file in the bin directory; validation already reports it at the same path.
    guard !type.isEmpty, !type.contains("/"), !type.contains("\\"), !type.utf8.contains(0) else { return nil }
    let binary = joinPath(binDirectory, type)
    let path: JSONPath = [.key("plugins"), .index(index), .key("type")]
    let consequence = "every pod ADD on this node would fail"
    // stat follows symbolic links, as the runtime's exec does: a dangling link is a missing binary.
    var status = stat()
    guard stat(binary, &status) == 0 else {
        let code = errno
        let problem = code == ENOENT ? "does not exist" : "cannot be examined (\(NodeFileError.reason(for: code)))"
        return Diagnostic(
            .error, rule: .pluginBinaryMissing, key: CNIDirectory.nodeFileName, path: path,
            "plugins[\(index)] has type \"\(type)\", but \(binary) \(problem): \(consequence); "
                + "install the plugin binary there (containernetworking/plugins) or remove the plugin from the chain")
    }
    let isRegularFile = status.st_mode & S_IFMT == S_IFREG
    // The runtime execs plugins as root, for whom any execute bit will do.
    guard !isRegularFile || status.st_mode & 0o111 == 0 else { return nil }
    let what = isRegularFile ? "is not executable (mode \(octal(status.st_mode & 0o7777)))" : "is not a regular file"
    return Diagnostic(
        .error, rule: .pluginBinaryNotExecutable, key: CNIDirectory.nodeFileName, path: path,
        "plugins[\(index)] has type \"\(type)\", but \(binary) \(what): \(consequence); "
            + "install an executable plugin binary there (chmod 0755)")
}

/// Why `path` is not a directory whose binaries can be checked; nil when it is one.
private func binDirectoryProblem(_ path: String) -> String? {
    var status = stat()
    guard stat(path, &status) == 0 else {
        let code = errno
        return code == ENOENT ? "does not exist" : "cannot be examined (\(NodeFileError.reason(for: code)))"
    }
    return status.st_mode & S_IFMT == S_IFDIR ? nil : "is not a directory"
}

private func octal(_ mode: mode_t) -> String {
    let digits = String(mode, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
