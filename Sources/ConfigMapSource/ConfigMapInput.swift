#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ENIConfig
import SystemFiles

/// `--configmap PATH`: a manifest file (YAML or JSON), a mounted ConfigMap directory, or `-` for
/// standard input.
public enum ConfigMapInput {
    /// The API server keeps at most about 1.5 MiB per object; a manifest may hold a few, but a
    /// device or a log given by mistake must not be read into memory whole.
    static let sizeLimit = 16 * 1024 * 1024

    private static func tooLarge(_ location: String) -> ConfigMapSourceError {
        ConfigMapSourceError(
            location: location, cannotRead: FileReadError(step: .read, cause: .tooLarge(limit: sizeLimit)),
            hint: "a ConfigMap holds at most 1 MiB of data: is this the right file?")
    }

    public static func load(_ path: String) throws(ConfigMapSourceError) -> LoadedConfigMap {
        if path == "-" {
            let bytes: [UInt8]
            do {
                bytes = try WholeFile.readToEnd(STDIN_FILENO, stoppingPast: sizeLimit)
            } catch {
                throw ConfigMapSourceError(location: "-", cannotRead: error)
            }
            guard bytes.count <= sizeLimit else { throw tooLarge("-") }
            return try ConfigMapManifest.parse(try text(of: bytes, path: "-"), origin: "-")
        }
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path, sizeLimit: sizeLimit)
        } catch where error.cause == .tooLarge(limit: sizeLimit) {
            throw tooLarge(path)
        } catch where error.code == EISDIR {
            return try MountedConfigMap.read(directory: path)
        } catch where error.step == .open {
            throw ConfigMapSourceError(
                location: path, cannotRead: error,
                hint: "give a ConfigMap manifest, a mounted ConfigMap directory, or - for standard input")
        } catch {
            throw ConfigMapSourceError(location: path, cannotRead: error)
        }
        return try ConfigMapManifest.parse(try text(of: bytes, path: path), origin: path)
    }

    private static func text(of bytes: [UInt8], path: String) throws(ConfigMapSourceError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigMapSourceError(location: path, "not UTF-8 text: save the manifest as UTF-8")
        }
        return text
    }
}

/// A ConfigMap volume as the kubelet mounts it: one file per key, each a symlink through `..data`
/// to a timestamped directory, swapped atomically on update. Only the keys whose values are read
/// are opened; `eni_conf` is only looked for.
public enum MountedConfigMap {
    public static func read(directory: String) throws(ConfigMapSourceError) -> LoadedConfigMap {
        var texts: [String: String] = [:]
        for key in ConfigMapData.readKeys {
            let path = directory + "/" + key
            let bytes: [UInt8]?
            do {
                bytes = try WholeFile.readIfPresent(path, sizeLimit: ConfigMapInput.sizeLimit)
            } catch {
                throw ConfigMapSourceError(location: path, cannotRead: error)
            }
            guard let bytes else { continue }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ConfigMapSourceError(location: path, "not UTF-8 text: the ConfigMap key \(key) must be UTF-8 JSON")
            }
            texts[key] = text
        }
        if texts[ConfigMapData.confKey] == nil && texts[ConfigMapData.conflistKey] == nil {
            throw ConfigMapSourceError(
                location: directory,
                "holds neither \(ConfigMapData.confKey) nor \(ConfigMapData.conflistKey): expected a mounted eni-config ConfigMap directory"
            )
        }
        return LoadedConfigMap(
            origin: directory,
            data: ConfigMapData(
                conf: texts[ConfigMapData.confKey], conflist: texts[ConfigMapData.conflistKey],
                disableNetworkPolicy: texts[ConfigMapData.disableNetworkPolicyKey],
                hasENIConf: access(directory + "/" + ConfigMapData.eniConfKey, F_OK) == 0))
    }
}
