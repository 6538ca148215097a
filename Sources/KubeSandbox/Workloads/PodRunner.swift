import Foundation

/// What the sandbox's kubelet needs to run a pod's container on a simulated node: the one seam
/// between the cluster simulation and whatever the container is (an agent process, in the fleet).
public protocol PodRunner: Sendable {
    /// Starts the pod's first container and returns once it runs, or throws why it cannot.
    func start(_ pod: PodLaunch) async throws -> any RunningContainer
}

/// A container the kubelet started.
public protocol RunningContainer: Sendable {
    /// nil while it runs; its exit code (or 128 + signal) once it exited.
    var exitCode: Int32? { get }
    /// Asks it to stop (SIGTERM), kills it after `gracePeriod`, and returns once it has exited.
    func stop(gracePeriod: Duration) async
    /// Its output so far, for `kubectl logs`.
    func output() -> String
}

/// The pod as its container sees it: where it runs, its address, its resolved environment.
public struct PodLaunch: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var nodeName: String
    /// The pod's IP: the node's, every pod here is on the host network.
    public var podIP: String
    public var containerName: String
    public var image: String
    public var command: [String]
    public var arguments: [String]
    /// `env` with `value`s and the downward API's `fieldRef`s resolved.
    public var environment: [String: String]
    /// The container's `containerPort`s, in order.
    public var ports: [Int]
}
