/// Who else writes the node file. Terway's daemon copies its own render to the host once it is
/// ready, and the file's presence is what tells the kubelet that the node's network is ready.
public enum Coexistence: String, Sendable, Hashable, CaseIterable {
    /// This agent is the only writer (the standalone install).
    case none
    /// Beside terwayd (the sidecar install): never create a missing node file, write only bytes
    /// that differ, and put back the last good render over Terway's copy of a rejected version.
    case terway
}

