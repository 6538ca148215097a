/// When a valid version of eni-config reaches the node (docs/contracts.md, "`run`: when a version reaches the node").
public enum ApplyMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// The first valid version seen since this process started is applied; later edits wait,
    /// reported as pending, for the next `kubectl rollout restart` (ACK's documented behaviour).
    case onStart = "on-start"
    /// Every valid version is applied as it arrives.
    case live
}
