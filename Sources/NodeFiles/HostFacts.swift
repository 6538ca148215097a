#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ENIConfig
import SystemFiles

/// Reads the facts Terway's renderer probes, under a host root: `/` on a DaemonSet pod with
/// hostNetwork and the host paths mounted, or a directory laid out the same way in tests and
/// the demo. Every file is small; each read is capped.
public enum HostFacts {
    public static let kernelReleasePath = "proc/sys/kernel/osrelease"
    public static let networkLinksPath = "sys/class/net"
    public static let nodeCapabilitiesPath = "var/run/eni/node_capabilities"
    public static let ciliumNodeConfigPath = "var/run/cilium/state/globals/node_config.h"

    private static let sizeLimit = 1 << 20

    /// - Parameter autoDataPathV2: Terway's feature gate of that name, as the operator set it.
    public static func read(hostRoot: String, autoDataPathV2: Bool = true) throws(NodeFileError) -> NodeFacts {
        let release = try text(hostRoot, kernelReleasePath, required: true) ?? ""
        let capabilities = try text(hostRoot, nodeCapabilitiesPath).map(NodeCapabilities.init(iniText:)) ?? NodeCapabilities()
        let nodeConfig = try text(hostRoot, ciliumNodeConfigPath)
        return NodeFacts(
            kernelRelease: release.trimmingCharacters(in: "\n"),
            hasCiliumNetLink: try exists(hostRoot, networkLinksPath + "/cilium_net"),
            eth0MTU: try text(hostRoot, networkLinksPath + "/eth0/mtu").flatMap { Int($0.trimmingCharacters(in: " \n")) },
            capabilities: capabilities,
            ciliumHostRoutingAllowed: nodeConfig.map { $0.contains("ENABLE_HOST_ROUTING") } ?? true,
            autoDataPathV2: autoDataPathV2)
    }

    private static func text(_ root: String, _ relative: String, required: Bool = false) throws(NodeFileError) -> String? {
        let path = joinPath(root, relative)
        let bytes: [UInt8]?
        do {
            bytes = try WholeFile.readIfPresent(path, sizeLimit: sizeLimit)
        } catch {
            throw NodeFileError(
                operation: "read the node fact", path: path, code: error.code, reason: error.reason,
                remedy: "mount it read-only into the pod (see deploy/), or fix --host-root")
        }
        if bytes == nil && required {
            throw NodeFileError(
                operation: "read the node fact", path: path, code: ENOENT, reason: NodeFileError.reason(for: ENOENT),
                remedy: "check --host-root: it must be the node's root, with /proc and /sys as the host sees them")
        }
        return bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    private static func exists(_ root: String, _ relative: String) throws(NodeFileError) -> Bool {
        let path = joinPath(root, relative)
        // lstat: a link in sys/class/net is a symbolic link into /sys/devices.
        var status = stat()
        if lstat(path, &status) == 0 { return true }
        let code = errno
        guard code == ENOENT || code == ENOTDIR else { throw NodeFileError.system("inspect the node fact", path, code: code) }
        return false
    }
}

private extension String {
    func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        return String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
