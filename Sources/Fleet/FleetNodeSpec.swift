import Foundation
import TestSupport

/// One simulated node: its name, its IP, and how it differs from a standard veth node.
public struct FleetNodeSpec: Sendable, Equatable {
    /// The plugin binaries Terway's image and the examples put in `/opt/cni/bin`.
    public static let standardPlugins = ["terway", "cilium-cni", "portmap", "tuning", "bandwidth"]

    public var name: String
    /// `/proc/sys/kernel/osrelease`: Terway's render fails below 5.10.
    public var kernelRelease: String
    /// Binaries left out of this node's `/opt/cni/bin`.
    public var missingPlugins: Set<String>

    public init(name: String, kernelRelease: String = HostRoot().kernelRelease, missingPlugins: Set<String> = []) {
        self.name = name
        self.kernelRelease = kernelRelease
        self.missingPlugins = missingPlugins
    }

    /// `count` standard nodes named `node-1` … `node-N`, zero-padded so they sort in order.
    public static func standard(count: Int) -> [FleetNodeSpec] {
        let width = String(max(count, 1)).count
        return (1...max(count, 1)).prefix(count).map { index in
            let number = String(index)
            return FleetNodeSpec(name: "node-" + String(repeating: "0", count: width - number.count) + number)
        }
    }
}

/// A node's root directory, laid out as `--host-root` reads it plus the host paths the
/// DaemonSet mounts: `etc/cni/net.d`, `opt/cni/bin`, `var/lib/eni-config-agent`, `var/log/pods`.
public struct FleetNode: Sendable, Equatable {
    public let spec: FleetNodeSpec
    public let ip: String
    public let root: String

    public var name: String { spec.name }
    public var cniDirectory: String { root + "/etc/cni/net.d" }
    public var binDirectory: String { root + "/opt/cni/bin" }
    public var nodeFilePath: String { cniDirectory + "/10-terway.conflist" }
    public var logDirectory: String { root + "/var/log/pods" }

    /// The node file's text, nil when absent.
    public func nodeFile() -> String? {
        try? String(contentsOfFile: nodeFilePath, encoding: .utf8)
    }

    /// Creates the layout: the veth node's facts with this node's kernel, the plugin stubs.
    static func make(_ spec: FleetNodeSpec, ip: String, under directory: String) throws -> FleetNode {
        let node = FleetNode(spec: spec, ip: ip, root: directory + "/" + spec.name)
        var facts = HostRoot()
        facts.kernelRelease = spec.kernelRelease
        try facts.make(at: node.root)
        for path in [node.cniDirectory, node.binDirectory, node.root + "/var/lib/eni-config-agent", node.logDirectory] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        // Stubs: the agent checks that each chained plugin is an executable file; nothing runs them.
        for plugin in FleetNodeSpec.standardPlugins where !spec.missingPlugins.contains(plugin) {
            let path = node.binDirectory + "/" + plugin
            guard FileManager.default.createFile(
                atPath: path, contents: Data("#!/bin/sh\nexit 0\n".utf8), attributes: [.posixPermissions: 0o755])
            else { throw FleetError.layout("cannot create \(path)") }
        }
        return node
    }
}

public enum FleetError: Error, CustomStringConvertible, Equatable {
    case layout(String)
    case manifest(String)
    case agent(String)
    case timeout(String)

    public var description: String {
        switch self {
        case .layout(let message): "cannot lay out the fleet's nodes: \(message)"
        case .manifest(let message): "the DaemonSet manifest cannot be installed: \(message)"
        case .agent(let message): "cannot start an agent: \(message)"
        case .timeout(let message): "timed out: \(message)"
        }
    }
}
