#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ENIConfig
import SystemFiles

extension CNIDirectory {
    /// The network name the render forces (docs/terway-render.md), and so the name of the directory
    /// newer libcni reads extra plugins from.
    public static let networkName = renderedNetworkName

    /// Warnings about what, besides the node file, runtimes would load from this directory:
    /// every config file that sorts before `10-terway.conflist` (a stale `10-terway.conf` gets its
    /// own rule, since `write` removes it) and a directory named after the network. A missing
    /// directory has nothing in it to warn about.
    public func inspect() -> [Diagnostic] {
        let descriptor = retryingInterrupted { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if descriptor < 0 {
            if errno == ENOENT { return [] }
            return [unreadable(.system("open the directory", path))]
        }
        defer { close(descriptor) }
        let entries: [DirectoryEntry]
        do {
            entries = try listEntries(ofDirectory: descriptor, path: path)
        } catch {
            return [unreadable(error)]
        }
        let nodeFile = Array(Self.nodeFileName.utf8)
        let shadowing = entries
            .filter { !$0.isDirectory && RuntimeConfigName.isLoaded($0.nameBytes) }
            .filter { RuntimeConfigName.sortsBefore($0.nameBytes, nodeFile) }
            .sorted { RuntimeConfigName.sortsBefore($0.nameBytes, $1.nameBytes) }
        var findings = shadowing.map { shadowingFinding($0.name) }
        if isDirectory(Self.networkName, in: descriptor) {
            findings.append(
                Diagnostic(
                    .warning, rule: .networkDirectory, key: Self.nodeFileName,
                    "\(joinPath(path, Self.networkName))/ is named after the network \(Self.networkName): newer libcni "
                        + "(CNI spec 1.1) appends the plugin configurations inside it to the chain; remove it unless "
                        + "those plugins are meant to run after Terway's chain"))
        }
        return findings
    }

    private func shadowingFinding(_ name: String) -> Diagnostic {
        let filePath = joinPath(path, name)
        if name == Self.staleConfName {
            return Diagnostic(
                .warning, rule: .staleTerwayConf, key: Self.nodeFileName,
                "\(filePath) sorts before \(Self.nodeFileName), so runtimes load it instead of the chain; "
                    + "writing the node file removes it")
        }
        return Diagnostic(
            .warning, rule: .shadowedBy, key: Self.nodeFileName,
            "\(filePath) sorts before \(Self.nodeFileName), so runtimes load it first and Terway's chain is not used "
                + "(containerd fails the whole load if it does not parse): remove it, or rename it to sort after "
                + Self.nodeFileName)
    }

    private func unreadable(_ error: NodeFileError) -> Diagnostic {
        Diagnostic(
            .warning, rule: .cniDirUnreadable, key: Self.nodeFileName,
            "could not list \(path) (\(error.reason)), so files that would shadow \(Self.nodeFileName) "
                + "could not be checked; \(error.remedy)")
    }

    /// libcni reads the network directory by path, so a symbolic link to a directory counts.
    private func isDirectory(_ name: String, in directory: Int32) -> Bool {
        var status = stat()
        return fstatat(directory, name, &status, 0) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }
}
