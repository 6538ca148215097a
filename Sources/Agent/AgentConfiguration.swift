/// What `eni-config-agent run` was told (docs/contracts.md, "The command line").
public struct AgentConfiguration: Sendable {
    public var nodeName: String
    public var namespace = "kube-system"
    public var configMapName = "eni-config"
    public var cniDirectory = "/etc/cni/net.d"
    public var cniBinDirectory = "/opt/cni/bin"
    public var stateDirectory: String?
    public var mode = ApplyMode.onStart
    /// Where the node's facts are read (`--host-root`).
    public var hostRoot = "/"
    /// Terway's AutoDataPathV2 feature gate, as set for Terway (`--feature-gates`).
    public var autoDataPathV2 = true
    /// Who else writes the node file (`--coexist`).
    public var coexistence = Coexistence.none
    /// How often the node file is looked at beside Terway, to see terwayd's copy arrive: one
    /// stat() each time, and a read only when it changed.
    public var nodeFilePollInterval = Duration.seconds(2)
    public var listenHost = "0.0.0.0"
    public var listenPort = 9090
    /// `kubectl.kubernetes.io/restartedAt` of the rollout that started this pod (downward API).
    public var rolloutRestartedAt: String?
    /// No bytes from the API server for this long means the connection is dead: the watch is
    /// dropped and resumed from the last version. The apiserver sends a bookmark about every
    /// minute, so a few minutes never cuts a healthy watch. It bounds every response (a list
    /// waits at most this long for its first byte too), so tests that shorten it keep it well
    /// above the server's answer time and its bookmark interval. Not a flag: operators have no
    /// reason to change it.
    public var idleReadTimeout = Duration.seconds(180)
    /// What one client may cost the HTTP endpoints. Not flags: the defaults suit every node;
    /// tests shorten them.
    public var httpLimits = HTTPLimits()

    public init(nodeName: String) {
        self.nodeName = nodeName
    }
}
