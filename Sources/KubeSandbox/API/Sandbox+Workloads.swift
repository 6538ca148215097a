import Foundation

/// A node as its kubelet registers it: name, address, labels, and what `kubectl get nodes -o wide` shows.
public struct SandboxNode: Sendable, Equatable {
    public var name: String
    /// The node's InternalIP, which is also the IP of every pod on it (host network).
    public var internalIP: String
    public var labels: [String: String]
    public var kernelVersion: String
    public var osImage = "Alibaba Cloud Linux 3.2104 U10 (OpenAnolis Edition)"
    public var containerRuntimeVersion = "containerd://1.6.28"

    public init(name: String, internalIP: String, labels: [String: String] = [:], kernelVersion: String) {
        self.name = name
        self.internalIP = internalIP
        self.labels = labels
        self.kernelVersion = kernelVersion
    }

    var document: Document {
        var labels = ["kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"]
        labels.merge(self.labels) { $1 }
        let now = KubeTime.format(Date())
        return .object([
            "apiVersion": "v1", "kind": "Node",
            "metadata": .object(["name": .string(name), "labels": .object(labels.mapValues(Document.string))]),
            "spec": .emptyObject,
            "status": .object([
                "addresses": .array([
                    .object(["type": "InternalIP", "address": .string(internalIP)]),
                    .object(["type": "Hostname", "address": .string(name)]),
                ]),
                "conditions": .array([.object([
                    "type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                    "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now),
                ])]),
                "nodeInfo": .object([
                    "kernelVersion": .string(kernelVersion), "osImage": .string(osImage),
                    "containerRuntimeVersion": .string(containerRuntimeVersion),
                    "kubeletVersion": .string(DiscoveryDocuments.gitVersion), "kubeProxyVersion": .string(DiscoveryDocuments.gitVersion),
                    "operatingSystem": "linux", "architecture": "amd64",
                ]),
            ]),
        ])
    }
}

/// A pod as tests and tools read it without going through HTTP.
public struct SandboxPod: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var uid: String
    public var nodeName: String
    public var podIP: String?
    /// `controller-revision-hash`: which template made it.
    public var revision: String?
    public var isReady: Bool
    /// The STATUS column of `kubectl get pods`.
    public var status: String
    public var restartCount: Int

    init(_ pod: Document) {
        namespace = pod.namespace
        name = pod.name
        uid = pod.uid
        nodeName = pod[path: ["spec", "nodeName"]]?.stringValue ?? ""
        podIP = pod[path: ["status", "podIP"]]?.stringValue
        revision = pod.labels()[DaemonPodTemplate.revisionLabel]
        isReady = pod.conditionStatus("Ready") == "True"
        status = PodResource.displayStatus(pod)
        restartCount = Int((pod[path: ["status", "containerStatuses"]]?.arrayValue ?? [])
            .reduce(Int64(0)) { $0 + ($1["restartCount"]?.integerValue ?? 0) })
    }
}

/// A DaemonSet's generation, current revision and status counts.
public struct SandboxDaemonSet: Sendable, Equatable {
    public var generation: Int64
    public var observedGeneration: Int64
    /// The `controller-revision-hash` its current template gives pods.
    public var revision: String
    /// `RollingUpdate` or `OnDelete`.
    public var strategy: String
    public var desired: Int
    public var ready: Int
    public var updated: Int
    public var available: Int
    public var restartedAt: String?
}

/// Nodes, pods and DaemonSets, and the controllers that bring them to life.
extension Sandbox {
    /// Registers a node, Ready, as its kubelet would.
    public func registerNode(_ node: SandboxNode) throws {
        do {
            _ = try ResourceOperations(store: store, resource: NodeResource())
                .create(namespace: "", body: node.document, options: .init(fieldValidation: .strict))
        } catch {
            throw SandboxError(error)
        }
    }

    /// Starts the DaemonSet controller and the nodes' kubelets, which run pods through `runner`.
    /// `probePeriod` replaces every readinessProbe's `periodSeconds`; `gracePeriod` is the time a
    /// stopped container gets before SIGKILL. `pods/log` serves the containers' output from now on.
    public func startWorkloads(runner: any PodRunner, probePeriod: Duration? = nil, gracePeriod: Duration = .seconds(10)) {
        let controller = WorkloadController(
            store: store, runner: runner, configuration: .init(probePeriod: probePeriod, gracePeriod: gracePeriod))
        let previous = workloads.withLock { state in
            defer { state = controller }
            return state
        }
        precondition(previous == nil, "startWorkloads called twice without stopWorkloads")
        subresources.setLogSource { [weak controller] namespace, pod in controller?.output(namespace: namespace, pod: pod) }
    }

    /// Stops the controllers and every container, and waits for them to exit.
    public func stopWorkloads() async {
        let controller = workloads.withLock { state in
            defer { state = nil }
            return state
        }
        subresources.setLogSource(nil)
        await controller?.stop()
    }

    public func pods(namespace: String? = nil) -> [SandboxPod] {
        store.list(.pods, namespace: namespace) { _ in true }.items.map(SandboxPod.init)
    }

    public func daemonSet(namespace: String, name: String) -> SandboxDaemonSet? {
        guard let stored = store.get(ObjectKey(storage: .daemonSets, namespace: namespace, name: name)) else { return nil }
        func count(_ field: String) -> Int { Int(stored[path: ["status", field]]?.integerValue ?? 0) }
        return SandboxDaemonSet(
            generation: stored.generation,
            observedGeneration: stored[path: ["status", "observedGeneration"]]?.integerValue ?? 0,
            revision: DaemonPodTemplate(daemonSet: stored).revision,
            strategy: stored[path: ["spec", "updateStrategy", "type"]]?.stringValue ?? "",
            desired: count("desiredNumberScheduled"), ready: count("numberReady"),
            updated: count("updatedNumberScheduled"), available: count("numberAvailable"),
            restartedAt: stored.labels(at: ["spec", "template", "metadata", "annotations"])["kubectl.kubernetes.io/restartedAt"])
    }
}

extension Sandbox {
    /// What `kubectl rollout restart daemonset` does: sets the template's
    /// `kubectl.kubernetes.io/restartedAt`, through the same strategy as a PATCH.
    public func restartDaemonSet(namespace: String, name: String, at date: Date = Date()) throws {
        let patch: Document = .object(["spec": .object(["template": .object(["metadata": .object([
            "annotations": .object(["kubectl.kubernetes.io/restartedAt": .string(KubeTime.format(date))]),
        ])])])])
        do {
            _ = try ResourceOperations(store: store, resource: DaemonSetResource())
                .patch(namespace: namespace, name: name, type: .merge, patch: patch, options: .init(fieldValidation: .strict))
        } catch {
            throw SandboxError(error)
        }
    }
}
