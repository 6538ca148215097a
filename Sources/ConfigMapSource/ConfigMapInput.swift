#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ENIConfig

/// `--configmap PATH`: a manifest file (YAML or JSON), a mounted ConfigMap directory, or `-` for
/// standard input.
public enum ConfigMapInput {
    public static func load(_ path: String) throws(ConfigMapSourceError) -> LoadedConfigMap {
        if path == "-" {
            return try ConfigMapManifest.parse(try text(of: FileBytes.readAll(fd: STDIN_FILENO, path: "-"), path: "-"), origin: "-")
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConfigMapSourceError(location: path, "cannot read: \(FileBytes.errnoText()); give a ConfigMap manifest, a mounted ConfigMap directory, or - for standard input")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return try MountedConfigMap.read(directory: path)
        }
        return try ConfigMapManifest.parse(try text(of: FileBytes.read(path), path: path), origin: path)
    }

    private static func text(of bytes: [UInt8], path: String) throws(ConfigMapSourceError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigMapSourceError(location: path, "not UTF-8 text: save the manifest as UTF-8")
        }
        return text
    }
}

/// A ConfigMap volume as the kubelet mounts it: one file per key, each a symlink through `..data`
/// to a timestamped directory, swapped atomically on update. Only our two keys are opened.
public enum MountedConfigMap {
    public static func read(directory: String) throws(ConfigMapSourceError) -> LoadedConfigMap {
        var texts: [String: String] = [:]
        for key in ConfigMapData.ourKeys {
            let path = directory + "/" + key
            guard let bytes = try FileBytes.readIfPresent(path) else { continue }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ConfigMapSourceError(location: path, "not UTF-8 text: the ConfigMap key \(key) must be UTF-8 JSON")
            }
            texts[key] = text
        }
        if texts.isEmpty {
            throw ConfigMapSourceError(
                location: directory,
                "holds neither \(ConfigMapData.confKey) nor \(ConfigMapData.conflistKey): expected a mounted eni-config ConfigMap directory"
            )
        }
        return LoadedConfigMap(origin: directory, data: ConfigMapData(data: texts))
    }
}

/// Whole-file reads with the system's own error text, so an I/O error names the path and the cause.
enum FileBytes {
    static func read(_ path: String) throws(ConfigMapSourceError) -> [UInt8] {
        guard let bytes = try readIfPresent(path) else {
            throw ConfigMapSourceError(location: path, "cannot read: \(String(cString: strerror(ENOENT)))")
        }
        return bytes
    }

    static func readIfPresent(_ path: String) throws(ConfigMapSourceError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw ConfigMapSourceError(location: path, "cannot read: \(errnoText())")
        }
        defer { close(fd) }
        return try readAll(fd: fd, path: path)
    }

    static func readAll(fd: Int32, path: String) throws(ConfigMapSourceError) -> [UInt8] {
        var bytes: [UInt8] = []
        // A file's size is known: one buffer of that size, rather than doubling as it fills (a
        // megabyte manifest otherwise leaves copies behind it in the heap).
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            bytes.reserveCapacity(Int(info.st_size))
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConfigMapSourceError(location: path, "cannot read: \(errnoText())")
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
