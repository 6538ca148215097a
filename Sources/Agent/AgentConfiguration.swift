/// What `eni-config-agent run` was told (architecture.md, "Command-line contract").
public struct AgentConfiguration: Sendable {
    public var nodeName: String
    public var namespace = "kube-system"
    public var configMapName = "eni-config"
    public var cniDirectory = "/etc/cni/net.d"
    public var cniBinDirectory = "/opt/cni/bin"
    public var stateDirectory: String?
    public var mode = ApplyMode.onStart
    public var listenHost = "0.0.0.0"
    public var listenPort = 9090
    /// `kubectl.kubernetes.io/restartedAt` of the rollout that started this pod (downward API).
    public var rolloutRestartedAt: String?

    public init(nodeName: String) {
        self.nodeName = nodeName
    }
}
