import Foundation

/// A node's root laid out as `--host-root` reads it: the facts Terway's renderer probes.
public struct HostRoot {
    public var kernelRelease = "5.10.134-16.3.al8.x86_64"
    public var eth0MTU: Int? = 1500
    public var ciliumNet = false
    /// Terway's node_capabilities file, as it writes it.
    public var nodeCapabilities: String?
    /// Cilium's node_config.h, nil when Cilium has not run here.
    public var ciliumNodeConfig: String?

    public init() {}

    /// Lays the facts out under `directory` (created when missing) and returns its path.
    @discardableResult
    public func make(at directory: String) throws -> String {
        func write(_ text: String, _ relative: String) throws {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try write(kernelRelease + "\n", "proc/sys/kernel/osrelease")
        try FileManager.default.createDirectory(atPath: directory + "/sys/class/net/lo", withIntermediateDirectories: true)
        if let eth0MTU { try write("\(eth0MTU)\n", "sys/class/net/eth0/mtu") }
        if ciliumNet { try FileManager.default.createDirectory(atPath: directory + "/sys/class/net/cilium_net", withIntermediateDirectories: true) }
        if let nodeCapabilities { try write(nodeCapabilities, "var/run/eni/node_capabilities") }
        if let ciliumNodeConfig { try write(ciliumNodeConfig, "var/run/cilium/state/globals/node_config.h") }
        return directory
    }
}
