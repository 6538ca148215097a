import ENIConfig
import FoundationEssentials
import KubeAPI
import Logging
import NodeFiles
import ServiceLifecycle

/// The agent's main job: every state of eni-config the watcher delivers is evaluated for this
/// node, handed to the apply policy, and the policy's decisions are carried out — a write, an
/// Event, a log line. A failed write is retried with jittered backoff, each time writing what
/// the policy wants then. Deliveries that arrive while a write is in progress are coalesced
/// (`LatestWins`): only the newest is evaluated next.
public struct ReconcileLoop: Service {
    let configuration: AgentConfiguration
    let state: AgentState
    let deliveries: any AsyncSequence<WatchDelivery, Never> & Sendable
    let events: EventRecorder?
    let logger: Logger
    /// This node: where its facts are read and the one path that applies a version to it.
    let target: NodeTarget

    /// Between retries of a failed write: 1 s doubling to 30 s, each wait drawn from [d, 2d) so
    /// that a fleet-wide disk problem does not retry in lockstep.
    static let writeRetryPolicy = BackoffPolicy(initial: .seconds(1), cap: .seconds(30), resetAfter: .seconds(120))

    public init(
        configuration: AgentConfiguration, state: AgentState,
        deliveries: some AsyncSequence<WatchDelivery, Never> & Sendable,
        events: EventRecorder?, logger: Logger
    ) {
        self.configuration = configuration
        self.state = state
        self.deliveries = deliveries
        self.events = events
        self.logger = logger
        target = NodeTarget(
            directory: state.directory, binDirectory: configuration.cniBinDirectory, hostRoot: configuration.hostRoot,
            autoDataPathV2: configuration.autoDataPathV2, lastGood: configuration.stateDirectory.map(LastGoodStore.init(directory:)))
    }


    public func run() async throws {
        let mailbox = LatestWins()
        // Graceful shutdown cancels the watch; a write in progress is synchronous and finishes first.
        try await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await delivery in deliveries { mailbox.post(.delivery(delivery)) }
                    mailbox.finish()
                }
                if configuration.coexistence == .terway {
                    group.addTask { [directory = state.directory, interval = configuration.nodeFilePollInterval] in
                        var watch = NodeFileWatch(directory: directory)
                        while !Task.isCancelled {
                            if let change = watch.poll() { mailbox.post(.nodeFile(change)) }
                            try? await Task.sleep(for: interval)
                        }
                    }
                }
                var backoff = Backoff(policy: Self.writeRetryPolicy)
                var random = SystemRandomNumberGenerator()
                var retryTimer: Task<Void, Never>?
                for await input in mailbox.inputs {
                    let wroteOK: Bool?
                    switch input {
                    case .delivery(.applied(let object)):
                        wroteOK = await handle(object)
                    case .delivery(.absent(let resourceVersion)):
                        await state.observeDeletion()
                        logger.warning("eni-config is absent; the node file stays as it is", metadata: ["resourceVersion": "\(resourceVersion)"])
                        wroteOK = nil
                    case .nodeFile(let change):
                        wroteOK = await execute(await state.observeNodeFile(change), object: nil)
                    case .retryWrite:
                        wroteOK = await execute(await state.retryDecision(), object: nil)
                    }
                    switch wroteOK {
                    case false?:
                        let delay = backoff.nextDelay(now: .now, using: &random)
                        retryTimer?.cancel()
                        retryTimer = Task {
                            guard (try? await Task.sleep(for: delay)) != nil else { return }
                            mailbox.requestRetry()
                        }
                    case true?:
                        backoff.reset()
                    case nil:
                        break
                    }
                }
                retryTimer?.cancel()
                group.cancelAll()
            }
        }
        await state.loopEnded()
    }

    /// Evaluates one version for this node (its facts, Terway's render, the plugin binaries)
    /// and carries out what the policy decides, then any correction of the node file.
    private func handle(_ object: ConfigMapObject) async -> Bool? {
        let decision = await state.observe(observedVersion(ConfigMapData(object)))
        let wrote = await execute(decision, object: object)
        return await execute(await state.correction(), object: object) ?? wrote
    }

    private func observedVersion(_ data: ConfigMapData) -> ObservedVersion {
        let facts: NodeFacts
        do {
            facts = try target.facts()
        } catch {
            let diagnostic = Diagnostic(.error, rule: .nodeFacts, "this node's facts cannot be read, so Terway's render for it is unknown: \(error)")
            return ObservedVersion(resourceVersion: data.resourceVersion, diagnostics: [diagnostic], conflist: nil)
        }
        let evaluation = target.evaluate(data, facts: facts)
        let besideTerway = configuration.coexistence == .terway
        return ObservedVersion(
            resourceVersion: data.resourceVersion, diagnostics: evaluation.diagnostics, conflist: evaluation.conflist,
            terwayRender: besideTerway && !evaluation.isValid ? try? TerwayRender.render(data, on: facts).get() : nil,
            standAside: besideTerway && facts.isExclusiveENINode)
    }

    /// Carries out one decision; returns whether a write happened and succeeded (nil: no write).
    private func execute(_ decision: Reconciler.Decision, object: ConfigMapObject?) async -> Bool? {
        let regarding = object.map(ObjectReference.configMap)
            ?? .configMap(namespace: configuration.namespace, name: configuration.configMapName)
        switch decision {
        case .none:
            return nil
        case .reportInvalid(let version):
            for diagnostic in version.diagnostics { logger.log(level: diagnostic.severity == .error ? .error : .warning, "\(diagnostic)") }
            if version.omittedDiagnostics > 0 {
                logger.error("\(version.omittedDiagnostics) more findings are not shown (the first \(version.diagnostics.count) are)")
            }
            logger.error("eni-config version rejected; the node file stays as it is", metadata: ["resourceVersion": "\(object?.resourceVersion ?? "")"])
            // Invalid data is invalid on every node: one Event for the cluster. A failure of this
            // node alone (its facts, its binaries) is this node's Event.
            let everyNode = object.map { !ENIConfig.evaluate(ConfigMapData($0)).isValid } ?? false
            await post(
                .warning, reason: "InvalidConfig", action: "Validate", note: EventNote.invalid(version), regarding: regarding,
                sharedName: everyNode ? EventNote.sharedName("InvalidConfig", object: object) : nil)
            return nil
        case .reportPending(let conflist):
            logger.notice(
                "a valid new eni-config waits for the next rollout restart (apply mode on-start)",
                metadata: ["sha256": "\(conflist.sha256)", "resourceVersion": "\(object?.resourceVersion ?? "")"])
            // Every node that finds the version valid waits for the same restart: one Event.
            let sharedName = EventNote.sharedName("PendingRestart", object: object)
            await post(
                .normal, reason: "PendingRestart", action: "Validate",
                note: sharedName == nil ? EventNote.pending(conflist) : EventNote.pendingEverywhere(resourceVersion: object?.resourceVersion ?? ""),
                regarding: regarding, sharedName: sharedName)
            return nil
        case .apply(let conflist):
            return await write(conflist, resourceVersion: object?.resourceVersion, regarding: regarding)
        case .restore(let lastGood):
            await restore(lastGood, regarding: regarding)
            return nil
        }
    }

    /// Puts the last good render back over terwayd's copy of a version this agent rejects. Once
    /// per copy: the restored file is no longer Terway's render, so the policy asks for no more.
    private func restore(_ lastGood: RenderedConflist, regarding: ObjectReference) async {
        let directory = state.directory
        do {
            _ = try directory.write(lastGood)
            await state.restored(lastGood)
            logger.warning(
                "terwayd copied Terway's render of a rejected eni-config; the last good file is back, and the pod stays NotReady",
                metadata: ["path": "\(directory.nodeFilePath)", "sha256": "\(lastGood.sha256)"])
            await post(.warning, reason: "Restored", action: "Restore", note: EventNote.restored(lastGood, path: directory.nodeFilePath), regarding: regarding)
        } catch {
            logger.error("putting the last good file back failed; Terway's render of the rejected version stays", metadata: ["error": "\(error)"])
            await post(.warning, reason: "WriteFailed", action: "Restore", note: "\(error)", regarding: regarding)
        }
    }

    private func write(_ conflist: RenderedConflist, resourceVersion: String?, regarding: ObjectReference) async -> Bool {
        let directory = state.directory
        let now = Date()
        let report: NodeApplyReport
        do {
            report = try target.apply(conflist, resourceVersion: resourceVersion, at: now)
        } catch {
            await state.applyFailed()
            logger.error("writing the node file failed; the previous file stays", metadata: ["error": "\(error)"])
            await post(.warning, reason: "WriteFailed", action: "Apply", note: "\(error)", regarding: regarding)
            return false
        }
        // The version is on the node from here on: what failed after the rename is reported, never retried.
        let outcome = report.outcome
        await state.applySucceeded(wrote: outcome.wroteNodeFile, warnings: report.warnings.count, at: now)
        await state.setFindings(report.findings)
        let metadata: Logger.Metadata = [
            "path": "\(directory.nodeFilePath)", "sha256": "\(conflist.sha256)", "resourceVersion": "\(resourceVersion ?? "")",
        ]
        logger.notice(outcome.wroteNodeFile ? "node file written" : "node file already up to date", metadata: metadata)
        for warning in report.warnings {
            logger.warning("the node file holds the new version, but a step after writing it failed", metadata: metadata.merging(["error": "\(warning)"]) { $1 })
        }
        if !report.warnings.isEmpty {
            await post(
                .warning, reason: "AppliedWithWarnings", action: "Apply",
                note: EventNote.appliedWithWarnings(conflist, path: directory.nodeFilePath, report.warnings), regarding: regarding)
        } else if outcome.wroteNodeFile {
            await post(.normal, reason: "Applied", action: "Apply", note: EventNote.applied(conflist, path: directory.nodeFilePath), regarding: regarding)
        }
        return true
    }

    private func post(
        _ type: EventReport.EventType, reason: String, action: String, note: String, regarding: ObjectReference, sharedName: String? = nil
    ) async {
        guard let events else { return }
        await events.record(EventReport(type: type, reason: reason, action: action, note: note, regarding: regarding, sharedName: sharedName))
    }
}

/// Event notes and names: short, and only about our two keys.
enum EventNote {
    static func invalid(_ version: ObservedVersion) -> String {
        let first = version.diagnostics.errors.prefix(3).map(\.description).joined(separator: "; ")
        let more = version.errorCount > 3 ? " (and \(version.errorCount - 3) more: see /status)" : ""
        return "eni-config rejected, the node file stays as it was: \(first)\(more)"
    }

    static func pending(_ conflist: RenderedConflist) -> String {
        "eni-config sha256 \(conflist.sha256.prefix(12)) is valid and waits for `kubectl rollout restart daemonset terway-eniip -n kube-system`"
    }

    static func pendingEverywhere(resourceVersion: String) -> String {
        "eni-config resourceVersion \(resourceVersion) is valid and waits for `kubectl rollout restart daemonset terway-eniip -n kube-system`; "
            + "each node's render and verdict: `kubectl eni-config status`"
    }

    /// The name every node gives the Event of a verdict that does not depend on the node:
    /// `<configmap>.<resourceVersion>.<reason>`. nil without a version to tell versions apart.
    static func sharedName(_ reason: String, object: ConfigMapObject?) -> String? {
        guard let object, !object.resourceVersion.isEmpty else { return nil }
        return "\(object.name).\(object.resourceVersion).\(reason.lowercased())"
    }

    static func applied(_ conflist: RenderedConflist, path: String) -> String {
        "wrote \(path) sha256 \(conflist.sha256.prefix(12)) (chain \(conflist.chainDescription))"
    }

    static func appliedWithWarnings(_ conflist: RenderedConflist, path: String, _ warnings: [NodeFileError]) -> String {
        "\(path) holds sha256 \(conflist.sha256.prefix(12)) (chain \(conflist.chainDescription)), but: "
            + warnings.map(\.description).joined(separator: "; ")
    }

    static func restored(_ lastGood: RenderedConflist, path: String) -> String {
        "terwayd copied Terway's render of the rejected eni-config to \(path); put back the last good file sha256 \(lastGood.sha256.prefix(12))"
    }
}

extension ConfigMapData {
    /// Our keys of a ConfigMap as the API delivered it.
    init(_ object: ConfigMapObject) {
        self.init(data: object.data, binaryDataKeys: object.binaryDataKeys, resourceVersion: object.resourceVersion)
    }
}
