import ENIConfig
import NodeFiles

/// `/readyz`: ready only when the node file holds what this agent is supposed to have applied,
/// so a bad config or an unreachable API server at start keeps the pod NotReady and a
/// DaemonSet rollout stops after `maxUnavailable` nodes instead of spreading.
public enum Readiness: Sendable, Hashable {
    case ready
    case notReady(String)

    /// - Parameter nodeFile: the node file's SHA-256 (hex), nil when nothing is there, or why it cannot be read.
    public static func check(
        applied: AppliedVersion?, latest: ObservedVersion?, nodeFile: Result<String?, NodeFileError>, nodeFilePath: String
    ) -> Readiness {
        guard let applied else {
            if let latest, latest.conflist == nil {
                let errors = latest.errorCount
                return .notReady("eni-config is invalid (\(errors) error\(errors == 1 ? "" : "s")); nothing applied yet: see /status or kubectl describe cm -n kube-system eni-config")
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
}
