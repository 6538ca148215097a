import Foundation

/// One pod on its node, as the kubelet keeps it: the container's life, its restarts, its
/// readiness, and the `status` that follows from them.
struct PodRuntime: Sendable {
    enum Phase: Sendable {
        /// Not started: the node's previous pod has not exited yet.
        case waiting
        case starting
        case running
        /// The container exited (or could not start); it starts again at `until`.
        case backingOff(until: ContinuousClock.Instant)
    }

    struct Termination: Sendable {
        var exitCode: Int32
        var reason: String
        var message: String?
        var startedAt: Date?
        var finishedAt: Date
    }

    let namespace: String
    let name: String
    let node: String
    let podIP: String
    let containerName: String
    let image: String
    let probe: ReadinessProbe?
    let createdAt: Date

    var phase = Phase.waiting
    var container: (any RunningContainer)?
    var isStopping = false
    var startedAt: Date?
    var restartCount = 0
    var lastTermination: Termination?
    var isReady = false
    /// When `isReady` last changed: the Ready condition's `lastTransitionTime`.
    var readyChangedAt: Date
    var consecutiveFailures = 0
    var nextProbe = ContinuousClock.now
    var isProbing = false

    init(pod: Document, node: String, podIP: String, at date: Date) {
        let container = pod.containers(under: ["spec"]).first ?? .emptyObject
        namespace = pod.namespace
        name = pod.name
        self.node = node
        self.podIP = podIP
        containerName = container["name"]?.stringValue ?? ""
        image = container["image"]?.stringValue ?? ""
        probe = ReadinessProbe(container: container)
        createdAt = date
        readyChangedAt = date
    }

    /// The backoff before the next start: 1 s doubling to 30 s (the kubelet's is 10 s to 5 min;
    /// a simulation that waits minutes helps nobody).
    var backoff: Duration {
        .seconds(min(1 << min(max(restartCount - 1, 0), 5), 30))
    }

    mutating func started(_ container: any RunningContainer, at date: Date, now: ContinuousClock.Instant) {
        self.container = container
        phase = .running
        startedAt = date
        consecutiveFailures = 0
        nextProbe = now + (probe?.initialDelay ?? .zero)
        if probe == nil { setReady(true, at: date) }
    }

    mutating func exited(code: Int32, now: ContinuousClock.Instant) {
        lastTermination = Termination(
            exitCode: code, reason: code == 0 ? "Completed" : "Error", startedAt: startedAt, finishedAt: Date())
        container = nil
        restartCount += 1
        setReady(false, at: Date())
        phase = .backingOff(until: now + backoff)
    }

    mutating func failedToStart(_ message: String, now: ContinuousClock.Instant) {
        lastTermination = Termination(exitCode: 128, reason: "StartError", message: message, finishedAt: Date())
        restartCount += 1
        phase = .backingOff(until: now + backoff)
    }

    /// One probe result: ready after a success, not ready after `failureThreshold` failures in a row.
    mutating func probed(succeeded: Bool, failureThreshold: Int, at date: Date) {
        isProbing = false
        guard case .running = phase else { return }
        if succeeded {
            consecutiveFailures = 0
            setReady(true, at: date)
        } else {
            consecutiveFailures += 1
            if consecutiveFailures >= failureThreshold { setReady(false, at: date) }
        }
    }

    private mutating func setReady(_ ready: Bool, at date: Date) {
        guard ready != isReady else { return }
        isReady = ready
        readyChangedAt = date
    }

    // MARK: status

    /// `status` as the kubelet reports it. Timestamps come from recorded moments only, so an
    /// unchanged pod yields an identical document and no write.
    func status(pod: Document) -> Document {
        let created = KubeTime.format(createdAt)
        func condition(_ type: String, _ value: Bool, since: Date, reason: String? = nil) -> Document {
            var fields: [String: Document] = [
                "type": .string(type), "status": .string(value ? "True" : "False"),
                "lastProbeTime": .null, "lastTransitionTime": .string(KubeTime.format(since)),
            ]
            if !value, let reason {
                fields["reason"] = .string(reason)
                fields["message"] = .string("containers with unready status: [\(containerName)]")
            }
            return .object(fields)
        }
        let running = if case .running = phase { true } else { false }
        var state: Document
        switch phase {
        case .running:
            state = .object(["running": .object(["startedAt": .string(KubeTime.format(startedAt ?? createdAt))])])
        case .backingOff:
            state = .object(["waiting": .object([
                "reason": "CrashLoopBackOff",
                "message": .string("back-off \(backoff.components.seconds)s restarting failed container=\(containerName) pod=\(name)_\(namespace)"),
            ])])
        case .waiting, .starting:
            state = .object(["waiting": .object(["reason": "ContainerCreating"])])
        }
        var containerStatus: [String: Document] = [
            "name": .string(containerName), "image": .string(image), "imageID": "",
            "ready": .bool(isReady), "started": .bool(running), "restartCount": .integer(Int64(restartCount)),
            "state": state, "lastState": .emptyObject,
        ]
        if running { containerStatus["containerID"] = .string("sandbox://\(namespace)/\(name)/\(restartCount)") }
        if let last = lastTermination {
            var terminated: [String: Document] = [
                "exitCode": .integer(Int64(last.exitCode)), "reason": .string(last.reason),
                "finishedAt": .string(KubeTime.format(last.finishedAt)),
            ]
            if let startedAt = last.startedAt { terminated["startedAt"] = .string(KubeTime.format(startedAt)) }
            if let message = last.message { terminated["message"] = .string(message) }
            containerStatus["lastState"] = .object(["terminated": .object(terminated)])
        }
        let address: Document = .array([.object(["ip": .string(podIP)])])
        return .object([
            "phase": .string(startedAt == nil ? "Pending" : "Running"),
            "conditions": .array([
                condition("PodReadyToStartContainers", true, since: createdAt),
                condition("Initialized", true, since: createdAt),
                condition("Ready", isReady, since: readyChangedAt, reason: "ContainersNotReady"),
                condition("ContainersReady", isReady, since: readyChangedAt, reason: "ContainersNotReady"),
                condition("PodScheduled", true, since: createdAt),
            ]),
            "hostIP": .string(podIP), "hostIPs": address, "podIP": .string(podIP), "podIPs": address,
            "startTime": .string(created),
            "containerStatuses": .array([.object(containerStatus)]),
            "qosClass": pod[path: ["status", "qosClass"]] ?? "Burstable",
        ])
    }
}
