import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Every node's kubelet at once: runs the pods bound to registered nodes through a `PodRunner`,
/// one pod per node at a time (a replacement starts once its predecessor has exited, as the
/// agent's port and file require), restarts a container that exits, probes readiness as the
/// container's `readinessProbe` says, and writes each pod's `status`.
final class SimulatedKubelet: Sendable {
    struct Configuration: Sendable {
        /// Replaces every readinessProbe's `periodSeconds` when set (tests want faster than 5 s).
        var probePeriod: Duration?
        /// How long a stopped container gets between SIGTERM and SIGKILL.
        var gracePeriod: Duration = .seconds(10)
    }

    private let store: ObjectStore
    private let runner: any PodRunner
    private let configuration: Configuration
    /// Asks the owner to sync again (a container started or exited, a probe answered).
    private let wake: @Sendable () -> Void
    private let runtimes = Mutex<[String: PodRuntime]>([:])

    init(store: ObjectStore, runner: any PodRunner, configuration: Configuration, wake: @escaping @Sendable () -> Void) {
        self.store = store
        self.runner = runner
        self.configuration = configuration
        self.wake = wake
    }

    /// Brings the containers in line with the pods bound to `nodeIPs`' nodes and writes the
    /// pods' status. Called from one task at a time.
    func sync(pods: [Document], nodeIPs: [String: String]) {
        let now = ContinuousClock.now
        let live = Dictionary(pods.filter { nodeIPs[$0[path: ["spec", "nodeName"]]?.stringValue ?? ""] != nil }.map { ($0.uid, $0) }) { first, _ in first }
        var toStart: [(String, PodLaunch)] = []
        var toStop: [(String, any RunningContainer)] = []
        var toProbe: [(String, ReadinessProbe, String)] = []
        runtimes.withLock { runtimes in
            // Pods gone from the store: stop their containers.
            for (uid, runtime) in runtimes where live[uid] == nil && !runtime.isStopping {
                runtimes[uid]?.isStopping = true
                if let container = runtime.container {
                    toStop.append((uid, container))
                } else if case .starting = runtime.phase {
                    // Stopped once its start returns.
                } else {
                    runtimes[uid] = nil
                }
            }
            let busyNodes = Set(runtimes.values.filter(\.isStopping).map(\.node))
            for (uid, pod) in live {
                let node = pod[path: ["spec", "nodeName"]]?.stringValue ?? ""
                if runtimes[uid] == nil {
                    runtimes[uid] = PodRuntime(pod: pod, node: node, podIP: nodeIPs[node] ?? "", at: Date())
                }
                guard var runtime = runtimes[uid] else { continue }
                switch runtime.phase {
                case .waiting where busyNodes.contains(node):
                    break
                case .waiting:
                    runtime.phase = .starting
                    toStart.append((uid, PodLaunch(pod: pod, podIP: runtime.podIP)))
                case .backingOff(let until) where until <= now:
                    runtime.phase = .starting
                    toStart.append((uid, PodLaunch(pod: pod, podIP: runtime.podIP)))
                case .running:
                    if let code = runtime.container?.exitCode {
                        runtime.exited(code: code, now: now)
                        wakeAfter(runtime.backoff)
                    } else if let probe = runtime.probe, !runtime.isProbing, runtime.nextProbe <= now {
                        runtime.isProbing = true
                        runtime.nextProbe = now + (configuration.probePeriod ?? probe.period)
                        toProbe.append((uid, probe, runtime.podIP))
                    }
                default:
                    break
                }
                runtimes[uid] = runtime
            }
        }
        for (uid, container) in toStop { stop(uid, container) }
        for (uid, launch) in toStart { start(uid, launch) }
        for (uid, probe, ip) in toProbe { self.probe(uid, probe, ip: ip) }
        writeStatuses(live)
    }

    /// What `kubectl logs` reads: the container's output, while the kubelet knows the pod.
    func output(namespace: String, pod: String) -> String? {
        runtimes.withLock { $0.values.first { $0.namespace == namespace && $0.name == pod }?.container }?.output()
    }

    /// Stops every container and waits for all of them.
    func stopAll() async {
        let containers = runtimes.withLock { runtimes in
            defer { runtimes.removeAll() }
            return runtimes.values.compactMap(\.container)
        }
        await withTaskGroup(of: Void.self) { group in
            for container in containers {
                group.addTask { [gracePeriod = configuration.gracePeriod] in await container.stop(gracePeriod: gracePeriod) }
            }
        }
    }

    // MARK: Container lifecycle

    private func start(_ uid: String, _ launch: PodLaunch) {
        Task {
            let container: (any RunningContainer)?
            let failure: String?
            do {
                container = try await runner.start(launch)
                failure = nil
            } catch {
                container = nil
                failure = "\(error)"
            }
            let orphan = runtimes.withLock { runtimes -> (any RunningContainer)? in
                guard var runtime = runtimes[uid] else { return container }
                if let container {
                    runtime.started(container, at: Date(), now: .now)
                    if runtime.isStopping { runtimes[uid] = runtime; return container }
                } else {
                    runtime.failedToStart(failure ?? "", now: .now)
                    wakeAfter(runtime.backoff)
                    if runtime.isStopping { runtimes[uid] = nil; return nil }
                }
                runtimes[uid] = runtime
                return nil
            }
            if let orphan { stop(uid, orphan) }
            wake()
        }
    }

    private func stop(_ uid: String, _ container: any RunningContainer) {
        Task { [gracePeriod = configuration.gracePeriod] in
            await container.stop(gracePeriod: gracePeriod)
            _ = runtimes.withLock { $0.removeValue(forKey: uid) }
            wake()
        }
    }

    private func probe(_ uid: String, _ probe: ReadinessProbe, ip: String) {
        Task {
            let succeeded = await probe.run(host: ip)
            let changed = runtimes.withLock { runtimes -> Bool in
                guard var runtime = runtimes[uid] else { return false }
                let wasReady = runtime.isReady
                runtime.probed(succeeded: succeeded, failureThreshold: probe.failureThreshold, at: Date())
                runtimes[uid] = runtime
                return runtime.isReady != wasReady
            }
            if changed { wake() }
        }
    }

    private func wakeAfter(_ delay: Duration) {
        Task {
            try? await Task.sleep(for: delay)
            wake()
        }
    }

    // MARK: Status

    private func writeStatuses(_ pods: [String: Document]) {
        let snapshot = runtimes.withLock { $0 }
        for (uid, pod) in pods {
            guard let runtime = snapshot[uid] else { continue }
            let status = runtime.status(pod: pod)
            guard pod["status"] != status else { continue }
            let key = ObjectKey(storage: .pods, namespace: pod.namespace, name: pod.name)
            _ = try? store.update(key, commit: true, notFound: .notFound(PodResource().name, pod.name)) { current in
                // The pod was replaced under the same name: leave the new one alone.
                guard current.uid == uid else { return current }
                var updated = current
                updated["status"] = status
                return updated
            }
        }
    }
}

/// A container's `readinessProbe.httpGet`, aimed at the pod's IP.
struct ReadinessProbe: Sendable {
    var path: String
    var port: Int
    var period: Duration
    var timeout: Duration
    var initialDelay: Duration
    var failureThreshold: Int

    /// nil when the container has no HTTP readiness probe: then running is ready.
    init?(container: Document) {
        guard let probe = container["readinessProbe"], let get = probe["httpGet"] else { return nil }
        let port: Int? = switch get["port"] {
        case .integer(let number)?: Int(number)
        case .string(let name)?:
            (container["ports"]?.arrayValue ?? []).first { $0["name"] == .string(name) }?["containerPort"]?.integerValue.map(Int.init)
        default: nil
        }
        guard let port else { return nil }
        func seconds(_ field: String, _ fallback: Int64) -> Duration { .seconds(probe[field]?.integerValue ?? fallback) }
        path = get["path"]?.stringValue ?? "/"
        self.port = port
        period = seconds("periodSeconds", 10)
        timeout = seconds("timeoutSeconds", 1)
        initialDelay = seconds("initialDelaySeconds", 0)
        failureThreshold = Int(probe["failureThreshold"]?.integerValue ?? 3)
    }

    /// The kubelet's HTTP probe: any status from 200 to 399 succeeds.
    func run(host: String) async -> Bool {
        let request = HTTPClientRequest(url: "http://\(host):\(port)\(path.hasPrefix("/") ? path : "/" + path)")
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(max(timeout.components.seconds, 1)))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return (200..<400).contains(response.status.code)
        } catch {
            return false
        }
    }
}
