import ENIConfig
import KubeAPI

/// One version of eni-config as the agent saw it, already evaluated for this node
/// (ENIConfig's rules plus the node's plugin binaries).
public struct ObservedVersion: Sendable, Hashable {
    public var resourceVersion: String?
    public var diagnostics: [Diagnostic]
    /// Non-nil exactly when the version may be written (no error, binaries included).
    public var conflist: RenderedConflist?

    public init(resourceVersion: String?, diagnostics: [Diagnostic], conflist: RenderedConflist?) {
        self.resourceVersion = resourceVersion
        self.diagnostics = diagnostics
        self.conflist = diagnostics.hasErrors ? nil : conflist
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
        case reportInvalid([Diagnostic])
        /// A valid version that waits for the next rollout (on-start mode): report it (once).
        case reportPending(RenderedConflist)
        /// Nothing new to do or say.
        case none
    }

    public let mode: ApplyMode
    public private(set) var applied: AppliedVersion?
    public private(set) var latest: ObservedVersion?
    /// The ConfigMap is gone from the API server; the node file stays as it is.
    public private(set) var configMapDeleted = false
    /// The version being written, between `apply` and its result.
    private var inFlight: ObservedVersion?

    public init(mode: ApplyMode) {
        self.mode = mode
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
        guard let conflist = version.conflist else {
            let alreadyReported = previous.map { $0.conflist == nil && $0.diagnostics == version.diagnostics } ?? false
            return alreadyReported ? .none : .reportInvalid(version.diagnostics)
        }
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

    /// The write of the last `apply` decision finished (written or already identical).
    public mutating func applySucceeded(at time: Double) {
        guard let version = inFlight, let conflist = version.conflist else { return }
        applied = AppliedVersion(resourceVersion: version.resourceVersion, conflist: conflist, appliedAt: time)
        inFlight = nil
    }

    /// After a failed write (the node file is as it was): the decision to write the same
    /// version again, unless a newer observation has replaced it or it has since succeeded.
    public mutating func retry() -> Decision {
        guard let version = inFlight, let conflist = version.conflist else { return .none }
        return .apply(conflist)
    }

    private mutating func startWrite(_ version: ObservedVersion, _ conflist: RenderedConflist) -> Decision {
        inFlight = version
        return .apply(conflist)
    }
}
