import ENIConfig
import KubeAPI
import NodeFiles

/// One version of eni-config as the agent saw it, already evaluated for this node
/// (ENIConfig's rules, Terway's render for the node, the node's plugin binaries). Only the first
/// findings are kept: a chain of 20,000 broken plugins must not cost megabytes of `/status`,
/// log and memory on every node, and the first ones are what an operator fixes first.
public struct ObservedVersion: Sendable, Hashable {
    /// How many findings a version keeps.
    public static let diagnosticLimit = 50

    public var resourceVersion: String?
    /// The first `diagnosticLimit` findings in reporting order (errors before warnings when
    /// there are more), each with its message and path shortened to `Diagnostic.boundedLength`.
    public var diagnostics: [Diagnostic]
    /// How many findings were left out of `diagnostics`.
    public var omittedDiagnostics: Int
    /// Errors found, kept or not.
    public var errorCount: Int
    /// Non-nil exactly when the version may be written (no error, binaries included).
    public var conflist: RenderedConflist?
    /// What Terway's own init renders for this version on this node, when this agent rejects
    /// it but Terway would not: terwayd then copies it to the node.
    public var terwayRender: RenderedConflist?
    /// An exclusive-ENI node, where Terway writes a fixed config and the chain never applies.
    public var standAside: Bool

    public init(
        resourceVersion: String?, diagnostics: [Diagnostic], conflist: RenderedConflist?,
        terwayRender: RenderedConflist? = nil, standAside: Bool = false
    ) {
        self.resourceVersion = resourceVersion
        let errors = diagnostics.errors.count
        var errorSlots = min(errors, Self.diagnosticLimit)
        var warningSlots = Self.diagnosticLimit - errorSlots
        let kept = diagnostics.filter { diagnostic in
            switch diagnostic.severity {
            case .error:
                defer { errorSlots -= 1 }
                return errorSlots > 0
            case .warning:
                defer { warningSlots -= 1 }
                return warningSlots > 0
            }
        }
        self.diagnostics = kept.map(\.bounded)
        omittedDiagnostics = diagnostics.count - kept.count
        errorCount = errors
        self.conflist = errors > 0 ? nil : conflist
        self.terwayRender = errors > 0 ? terwayRender : nil
        self.standAside = standAside
    }
}

extension Diagnostic {
    /// The most characters of a message or path the agent keeps: a key of the ConfigMap can be
    /// as long as the ConfigMap, and messages and paths quote keys.
    public static let boundedLength = 300

    var bounded: Diagnostic {
        var copy = self
        copy.message = Self.shortened(message)
        copy.path = path.map(Self.shortened)
        return copy
    }

    private static func shortened(_ text: String) -> String {
        guard text.unicodeScalars.count > boundedLength else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(boundedLength - 1))) + "…"
    }
}

/// What this process has put on (or confirmed on) the node.
public struct AppliedVersion: Sendable, Hashable {
    public var resourceVersion: String?
    public var conflist: RenderedConflist
    /// Seconds since the Unix epoch.
    public var appliedAt: Double
}

/// The apply policy as a pure state machine: versions and write results in, decisions out.
/// No clock, no I/O: the runner executes the decisions, so the policy is tested without a cluster.
public struct Reconciler: Sendable {
    public enum Decision: Sendable, Hashable {
        /// Write this version to the node file.
        case apply(RenderedConflist)
        /// A new invalid version: report it (once); the node file stays.
        case reportInvalid(ObservedVersion)
        /// A valid version that waits for the next rollout (on-start mode): report it (once).
        case reportPending(RenderedConflist)
        /// Put the last good render back over Terway's copy of a rejected version (coexistence).
        case restore(RenderedConflist)
        /// Nothing new to do or say.
        case none
    }

    public let mode: ApplyMode
    public let coexistence: Coexistence
    public private(set) var applied: AppliedVersion?
    /// The render to put back over Terway's copy of a rejected version: the last one applied,
    /// by this process or (from the last-good store) by an earlier one.
    public private(set) var lastGood: RenderedConflist?
    /// The node file as last seen; nil until the runner has looked.
    public private(set) var nodeFile: NodeFileState?
    /// A version to write once Terway has created the node file (coexistence never creates it).
    public private(set) var waitingForTerway: ObservedVersion?
    public private(set) var latest: ObservedVersion?
    /// The ConfigMap is gone from the API server; the node file stays as it is.
    public private(set) var configMapDeleted = false
    /// The version being written, between `apply` and its result.
    private var inFlight: ObservedVersion?

    public init(mode: ApplyMode, coexistence: Coexistence = .none, lastGood: RenderedConflist? = nil) {
        self.mode = mode
        self.coexistence = coexistence
        self.lastGood = lastGood
    }

    /// A valid version newer than what is applied, held back by on-start mode.
    public var pending: Bool {
        guard mode == .onStart, let applied, let conflist = latest?.conflist else { return false }
        return conflist.sha256 != applied.conflist.sha256
    }

    public mutating func observe(_ version: ObservedVersion) -> Decision {
        if let appliedVersion = applied?.resourceVersion, let newVersion = version.resourceVersion,
            ResourceVersionOrder(newVersion, comparedTo: appliedVersion) == .older
        {
            return .none
        }
        let previous = latest
        latest = version
        configMapDeleted = false
        waitingForTerway = nil
        guard let conflist = version.conflist else {
            let alreadyReported = previous.map {
                $0.conflist == nil && $0.diagnostics == version.diagnostics && $0.omittedDiagnostics == version.omittedDiagnostics
            } ?? false
            return alreadyReported ? .none : .reportInvalid(version)
        }
        guard !version.standAside else { return .none }
        guard let applied else {
            return startWrite(version, conflist)
        }
        if conflist.sha256 == applied.conflist.sha256 {
            self.applied?.resourceVersion = version.resourceVersion ?? applied.resourceVersion
            return .none
        }
        switch mode {
        case .live:
            return startWrite(version, conflist)
        case .onStart:
            let alreadyReported = previous?.conflist?.sha256 == conflist.sha256
            return alreadyReported ? .none : .reportPending(conflist)
        }
    }

    public mutating func observeDeletion() {
        configMapDeleted = true
    }

    /// The node file changed (or was first seen). Beside Terway this is where a version waiting
    /// for Terway's first write goes out, and where Terway's copy of a rejected version is met.
    public mutating func observeNodeFile(_ state: NodeFileState) -> Decision {
        nodeFile = state
        guard coexistence == .terway else { return .none }
        if state != .missing, let version = waitingForTerway, let conflist = version.conflist {
            waitingForTerway = nil
            return startWrite(version, conflist)
        }
        return correction()
    }

    /// After a version or a change of the node file: whether the file needs putting right.
    /// Beside Terway that is one correction per copy, made only while the file holds exactly
    /// Terway's render of the rejected version, which the correction itself replaces.
    public func correction() -> Decision {
        guard coexistence == .terway, let terwayRender = latest?.terwayRender, let lastGood,
            nodeFile == .holds(sha256: terwayRender.sha256), lastGood.sha256 != terwayRender.sha256
        else { return .none }
        return .restore(lastGood)
    }

    /// The write of the last `apply` decision finished (written or already identical).
    public mutating func applySucceeded(at time: Double) {
        guard let version = inFlight, let conflist = version.conflist else { return }
        applied = AppliedVersion(resourceVersion: version.resourceVersion, conflist: conflist, appliedAt: time)
        lastGood = conflist
        nodeFile = .holds(sha256: conflist.sha256)
        inFlight = nil
    }

    /// The write of the last `apply` decision failed; the node file is as it was.
    public mutating func applyFailed() {
        inFlight = nil
    }

    /// Later, after a failed write: what the policy wants written now. That is the latest version
    /// when it is valid, not on the node yet, and the mode applies it, never the version whose
    /// write failed as such: after a revert to what the node holds, or an invalid edit, a retry
    /// of the abandoned version would put on the node what the operator has moved away from.
    public mutating func retry() -> Decision {
        guard let latest, let conflist = latest.conflist, !latest.standAside,
            applied.map({ $0.conflist.sha256 != conflist.sha256 && mode == .live }) ?? true
        else { return .none }
        return startWrite(latest, conflist)
    }

    private mutating func startWrite(_ version: ObservedVersion, _ conflist: RenderedConflist) -> Decision {
        if coexistence == .terway && (nodeFile == nil || nodeFile == .missing) {
            waitingForTerway = version
            return .none
        }
        inFlight = version
        return .apply(conflist)
    }
}
