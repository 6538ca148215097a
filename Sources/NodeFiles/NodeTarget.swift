#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ENIConfig

/// This node, as `render` and the agent see it, and the one path that takes a version of
/// eni-config onto it: evaluate for the node (its facts, Terway's render, the plugin
/// binaries), then write, record the last good copy, and inspect the CNI directory.
public struct NodeTarget: Sendable {
    public let directory: CNIDirectory
    public let binDirectory: String
    /// Where the node's `/proc`, `/sys` and `/var/run` are seen (`--host-root`).
    public let hostRoot: String
    /// Terway's AutoDataPathV2 gate, as the operator set it for Terway.
    public let autoDataPathV2: Bool
    /// Where the last good render is recorded; nil keeps no record (`render` without `--state-dir`).
    public let lastGood: LastGoodStore?

    public init(directory: CNIDirectory, binDirectory: String, hostRoot: String, autoDataPathV2: Bool, lastGood: LastGoodStore?) {
        self.directory = directory
        self.binDirectory = binDirectory
        self.hostRoot = hostRoot
        self.autoDataPathV2 = autoDataPathV2
        self.lastGood = lastGood
    }

    /// The node's facts, read now: Terway's probes change what they answer over a node's life.
    public func facts() throws(NodeFileError) -> NodeFacts {
        try HostFacts.read(hostRoot: hostRoot, autoDataPathV2: autoDataPathV2)
    }

    /// Everything wrong with this version on this node, and its node file when nothing is.
    public func evaluate(_ data: ConfigMapData, facts: NodeFacts) -> Evaluation {
        var evaluation = ENIConfig.evaluate(data, on: facts)
        guard let conflist = evaluation.conflist else { return evaluation }
        evaluation.diagnostics += checkPluginBinaries(conflist.pluginTypes, in: binDirectory)
        if evaluation.diagnostics.hasErrors { evaluation.conflist = nil }
        return evaluation
    }

    /// Writes a render (nothing when the bytes are already there) and records it as last good.
    /// A failure before the rename leaves the node file as it was and throws. Once the rename is
    /// durable the version is on the node: what fails after it is a warning in the report.
    public func apply(_ conflist: RenderedConflist, resourceVersion: String?, at date: Date) throws(NodeFileError) -> NodeApplyReport {
        let outcome = try directory.write(conflist)
        var warnings = outcome.warnings
        if let lastGood {
            do {
                try lastGood.record(conflist, resourceVersion: resourceVersion, appliedAt: date)
            } catch {
                warnings.append(error)
            }
        }
        // Inspected after the write: the write itself removes a stale 10-terway.conf.
        return NodeApplyReport(outcome: outcome, warnings: warnings, findings: directory.inspect())
    }
}

/// What an apply did: the write, what failed after it, and what the CNI directory holds now.
public struct NodeApplyReport: Sendable, Hashable {
    public var outcome: WriteOutcome
    /// Failures after the rename (the write's own and the last-good record's): the version is
    /// on the node all the same.
    public var warnings: [NodeFileError]
    public var findings: [Diagnostic]
}
