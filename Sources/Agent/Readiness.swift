import ENIConfig
import NodeFiles

/// `/readyz`: ready only when the node file holds what this agent is supposed to have applied,
/// so a bad config or an unreachable API server at start keeps the pod NotReady and a
/// DaemonSet rollout stops after `maxUnavailable` nodes instead of spreading.
public enum Readiness: Sendable, Hashable {
    case ready
    case notReady(String)

    /// - Parameters:
    ///   - nodeFile: the node file's SHA-256 (hex), nil when nothing is there, or why it cannot be read.
    ///   - waitingForTerway: beside Terway, a valid version waits for terwayd to create the node file.
    ///   - restoredOverTerway: the sha256 put back over terwayd's copy of a rejected version.
    public static func check(
        applied: AppliedVersion?, latest: ObservedVersion?, nodeFile: Result<String?, NodeFileError>, nodeFilePath: String,
        waitingForTerway: Bool = false, restoredOverTerway: String? = nil
    ) -> Readiness {
        if let latest, latest.standAside {
            // Exclusive-ENI node: Terway writes a fixed config; only the version's validity counts.
            return latest.conflist == nil ? invalid(latest, restored: nil) : .ready
        }
        if let latest, latest.conflist == nil, applied == nil || restoredOverTerway != nil {
            return invalid(latest, restored: restoredOverTerway)
        }
        guard let applied else {
            if waitingForTerway {
                return .notReady("waiting for Terway: terwayd creates \(nodeFilePath) once its daemon is ready, and beside Terway this agent never creates it")
            }
            return .notReady("no valid eni-config applied yet (waiting for the API server)")
        }
        let digest: String
        switch nodeFile {
        case .success(let read?):
            digest = read
        case .success(nil):
            return .notReady("\(nodeFilePath) is missing; it should hold sha256 \(applied.conflist.sha256)")
        case .failure(let error):
            return .notReady("\(error); it should hold sha256 \(applied.conflist.sha256)")
        }
        guard digest == applied.conflist.sha256 else {
            return .notReady("\(nodeFilePath) was changed by someone else; it should hold sha256 \(applied.conflist.sha256)")
        }
        return .ready
    }

    public var isReady: Bool { self == .ready }

    private static func invalid(_ latest: ObservedVersion, restored: String?) -> Readiness {
        let errors = latest.errorCount
        let kept = restored.map { "the last good file (sha256 \($0.prefix(12))) is back over Terway's copy of it" } ?? "nothing applied yet"
        return .notReady("eni-config is invalid (\(errors) error\(errors == 1 ? "" : "s")); \(kept): see /status or kubectl describe cm -n kube-system eni-config")
    }
}
