import Foundation
import Synchronization

/// The control loops a cluster runs for DaemonSets, played in-process against the store: the
/// DaemonSet controller (a pod on every eligible node, rolling updates, `status`), the garbage
/// collector for pods whose DaemonSet is gone, and the nodes' kubelets (`SimulatedKubelet`).
/// It syncs after every write to nodes, pods or DaemonSets, after a container or probe changed
/// something, and once a second.
final class WorkloadController: Sendable {
    private let store: ObjectStore
    private let kubelet: SimulatedKubelet
    private let wakeups: AsyncStream<Void>.Continuation
    private let loop = Mutex<Task<Void, Never>?>(nil)

    private var pods: ResourceOperations { ResourceOperations(store: store, resource: PodResource()) }

    init(store: ObjectStore, runner: any PodRunner, configuration: SimulatedKubelet.Configuration) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.store = store
        wakeups = continuation
        kubelet = SimulatedKubelet(store: store, runner: runner, configuration: configuration) { continuation.yield() }
        store.observeChanges { kind in
            if kind == .nodes || kind == .pods || kind == .daemonSets { continuation.yield() }
        }
        let task = Task { [kubelet] in
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    continuation.yield()
                }
            }
            for await _ in stream {
                if Task.isCancelled { break }
                self.sync()
            }
            ticker.cancel()
            await kubelet.stopAll()
        }
        loop.withLock { $0 = task }
        continuation.yield()
    }

    /// Ends the loops and stops every container, waiting for them to exit.
    func stop() async {
        guard let task = loop.withLock({ state -> Task<Void, Never>? in
            defer { state = nil }
            return state
        }) else { return }
        wakeups.finish()
        await task.value
    }

    func output(namespace: String, pod: String) -> String? {
        kubelet.output(namespace: namespace, pod: pod)
    }

    private func sync() {
        let now = Date()
        let nodes = store.list(.nodes, namespace: nil) { _ in true }.items
        let daemonSets = store.list(.daemonSets, namespace: nil) { _ in true }.items
        let nodeIPs = Dictionary(nodes.map { node in
            (node.name, node[path: ["status", "addresses"]]?.arrayValue?.first { $0["type"] == "InternalIP" }?["address"]?.stringValue ?? "")
        }) { first, _ in first }

        var allPods = store.list(.pods, namespace: nil) { _ in true }.items
        for pod in allPods where Self.owner(of: pod).map({ uid in !daemonSets.contains { $0.uid == uid } }) ?? false {
            delete(pod)
        }
        for daemonSet in daemonSets {
            let template = DaemonPodTemplate(daemonSet: daemonSet)
            guard let strategy = template.strategy else { continue }
            let eligible = nodes.filter { template.admits(nodeLabels: $0.labels()) }.map(\.name)
            let owned = allPods.filter { Self.owner(of: $0) == daemonSet.uid }
            let actions = DaemonSetPlan.actions(
                nodes: eligible, pods: owned.map { Self.daemonPod($0, minReadySeconds: template.minReadySeconds, now: now) },
                revision: template.revision, strategy: strategy)
            for action in actions {
                switch action {
                case .create(let node):
                    _ = try? pods.create(namespace: daemonSet.namespace, body: template.pod(on: node), options: .init(fieldValidation: .ignore))
                case .delete(let name):
                    if let pod = owned.first(where: { $0.name == name }) { delete(pod) }
                }
            }
        }

        allPods = store.list(.pods, namespace: nil) { _ in true }.items
        kubelet.sync(pods: allPods, nodeIPs: nodeIPs)

        allPods = store.list(.pods, namespace: nil) { _ in true }.items
        for daemonSet in daemonSets {
            let template = DaemonPodTemplate(daemonSet: daemonSet)
            let eligible = nodes.filter { template.admits(nodeLabels: $0.labels()) }.map(\.name)
            let owned = allPods.filter { Self.owner(of: $0) == daemonSet.uid }
                .map { Self.daemonPod($0, minReadySeconds: template.minReadySeconds, now: now) }
            let counts = DaemonSetPlan.status(nodes: eligible, pods: owned, revision: template.revision, observedGeneration: daemonSet.generation)
            let key = ObjectKey(storage: .daemonSets, namespace: daemonSet.namespace, name: daemonSet.name)
            _ = try? store.update(key, commit: true, notFound: .notFound(DaemonSetResource().name, daemonSet.name)) { current in
                // A newer generation arrived meanwhile: the next sync reports on it.
                guard current.generation == daemonSet.generation else { return current }
                var updated = current
                updated["status"] = counts.document
                return updated
            }
        }
    }

    private func delete(_ pod: Document) {
        _ = try? pods.delete(namespace: pod.namespace, name: pod.name, preconditions: .init(uid: pod.uid), options: .init())
    }

    /// The uid of the DaemonSet controlling this pod.
    private static func owner(of pod: Document) -> String? {
        pod[path: ["metadata", "ownerReferences"]]?.arrayValue?
            .first { $0["controller"] == .bool(true) && $0["kind"] == "DaemonSet" }?["uid"]?.stringValue
    }

    private static func daemonPod(_ pod: Document, minReadySeconds: Int64, now: Date) -> DaemonPod {
        let ready = pod.conditionStatus("Ready") == "True"
        let readySince = pod[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Ready" }?["lastTransitionTime"]?
            .stringValue.flatMap(KubeTime.parse)
        let available = ready && (minReadySeconds == 0 || (readySince.map { now.timeIntervalSince($0) >= Double(minReadySeconds) } ?? false))
        return DaemonPod(
            name: pod.name, node: pod[path: ["spec", "nodeName"]]?.stringValue ?? "",
            revision: pod.labels()[DaemonPodTemplate.revisionLabel] ?? "", isReady: ready, isAvailable: available)
    }
}
