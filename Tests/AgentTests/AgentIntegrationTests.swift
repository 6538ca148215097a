import Agent
import AgentVersion
import Foundation
import KubeSandbox
import Testing

/// `run` against the sandbox API server over HTTPS with a generated CA and a bearer token.
@Suite(.serialized) struct ApplyPolicyIntegrationTests {
    @Test func liveModeFollowsEveryValidEditAndKeepsTheFileOnAnInvalidOne() async throws {
        let harness = try await AgentHarness.start(mode: .live)
        defer { Task { await harness.stop() } }
        try await harness.eventually("the portmap chain on the node") { harness.nodeFile()?.contains("\"portmap\"") == true }
        try await harness.eventually("readiness") { try await harness.get("/readyz").status == 200 }

        try harness.edit(to: "eni-config-tuning.yaml")
        try await harness.eventually("the tuning chain on the node") { harness.nodeFile()?.contains("\"tuning\"") == true }
        let tuning = harness.nodeFile()

        try harness.edit(to: "eni-config-invalid.yaml")
        try await harness.eventually("the invalid version to be reported") { await harness.status().latest?.valid == false }
        #expect(harness.nodeFile() == tuning)
        let status = await harness.status()
        #expect(status.ready)
        #expect(status.latest?.diagnostics.contains { $0.path == "plugins[0].capabilities.bandwidth" } == true)
        try await harness.eventually("a Warning event about the invalid version") {
            harness.sandbox.events(namespace: "kube-system").contains { $0.type == "Warning" && $0.reason == "InvalidConfig" }
        }
        let applied = harness.sandbox.events(namespace: "kube-system").filter { $0.reason == "Applied" }
        #expect(applied.count == 2)
        #expect(applied.allSatisfy { $0.regarding.name == "eni-config" && $0.reportingInstance == "node-a" })
    }

    @Test func onStartModeHoldsLaterEditsAsPending() async throws {
        let harness = try await AgentHarness.start(mode: .onStart)
        defer { Task { await harness.stop() } }
        try await harness.eventually("the first version on the node") { harness.nodeFile() != nil }
        let first = harness.nodeFile()

        try harness.edit(to: "eni-config-tuning.yaml")
        try await harness.eventually("the edit to be pending") { await harness.status().pending }
        #expect(harness.nodeFile() == first)
        #expect(try await harness.get("/readyz").status == 200)
        let metrics = try await harness.get("/metrics").body
        #expect(metrics.contains("eni_config_agent_pending_change 1"))
        try await harness.eventually("a PendingRestart event") {
            harness.sandbox.events(namespace: "kube-system").contains { $0.reason == "PendingRestart" }
        }
    }

    /// `kubectl edit` and `kubectl rollout restart` at once: the new pod's first read must see the
    /// edit even while the apiserver's watch cache still holds the previous version.
    @Test func onStartAppliesTheCurrentVersionWhileTheWatchCacheLags() async throws {
        let harness = try await AgentHarness.start(mode: .onStart) { sandbox in
            sandbox.pauseWatchCache()
            try sandbox.seed(manifest: try example("eni-config-tuning.yaml"))
        }
        defer { Task { await harness.stop() } }
        try await harness.eventually("the first version on the node and an open watch") {
            harness.nodeFile() != nil && harness.sandbox.openWatchCount == 1
        }
        #expect(harness.nodeFile()?.contains("\"tuning\"") == true, "the edit, not the version the cache still holds")
        #expect(await harness.status().pending == false)
    }

    @Test func invalidAtStartKeepsThePodNotReadyUntilFixed() async throws {
        let harness = try await AgentHarness.start(mode: .onStart, seed: "eni-config-invalid.yaml")
        defer { Task { await harness.stop() } }
        try await harness.eventually("the invalid version to be seen") { await harness.status().latest?.valid == false }
        let notReady = try await harness.get("/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.body.contains("eni-config is invalid"))
        #expect(harness.nodeFile() == nil)

        try harness.edit(to: "eni-config.yaml")
        try await harness.eventually("the fixed version on the node") { harness.nodeFile() != nil }
        try await harness.eventually("readiness") { try await harness.get("/readyz").status == 200 }
    }

    @Test func aDeletedConfigMapLeavesTheNodeFile() async throws {
        let harness = try await AgentHarness.start(mode: .live)
        defer { Task { await harness.stop() } }
        try await harness.eventually("the node file") { harness.nodeFile() != nil }
        let before = harness.nodeFile()
        try harness.sandbox.deleteConfigMap(namespace: "kube-system", name: "eni-config")
        try await harness.eventually("the deletion to be seen") { await harness.status().configMapDeleted }
        #expect(harness.nodeFile() == before)
        #expect(try await harness.get("/readyz").status == 200)
    }

    @Test func aFileChangedBehindTheAgentsBackMakesItNotReady() async throws {
        let harness = try await AgentHarness.start(mode: .onStart)
        defer { Task { await harness.stop() } }
        // Applied, not only renamed: the file is changed behind the agent's back after that.
        try await harness.eventually("the first version applied") { await harness.status().applied != nil }
        try "{}\n".write(toFile: harness.nodeFilePath, atomically: true, encoding: .utf8)
        let readiness = try await harness.get("/readyz")
        #expect(readiness.status == 503)
        #expect(readiness.body.contains("changed by someone else"))
    }

    /// A directory where the node file belongs is named as such, not reported as a missing file.
    @Test func anUnreadableNodeFileIsReportedWithItsCause() async throws {
        let harness = try await AgentHarness.start(mode: .onStart)
        defer { Task { await harness.stop() } }
        // Applied, not only renamed: the file is changed behind the agent's back after that.
        try await harness.eventually("the first version applied") { await harness.status().applied != nil }
        try FileManager.default.removeItem(atPath: harness.nodeFilePath)
        try FileManager.default.createDirectory(atPath: harness.nodeFilePath, withIntermediateDirectories: false)
        let readiness = try await harness.get("/readyz")
        #expect(readiness.status == 503)
        #expect(readiness.body.contains("cannot read \(harness.nodeFilePath): it is not a regular file"))
        #expect(!readiness.body.contains("is missing"))
        let status = await harness.status()
        #expect(status.nodeFile.present)
        #expect(status.nodeFile.sha256 == nil)
    }

    @Test func statusServesTheContractFields() async throws {
        let harness = try await AgentHarness.start(mode: .onStart)
        defer { Task { await harness.stop() } }
        try await harness.eventually("the first version applied") { await harness.status().ready }
        let body = try await harness.get("/status").body
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(json["version"] as? String == BuildVersion.description)
        #expect(json["node"] as? String == "node-a")
        #expect(json["mode"] as? String == "on-start")
        #expect(json["ready"] as? Bool == true)
        #expect(json["pending"] as? Bool == false)
        let applied = try #require(json["applied"] as? [String: Any])
        #expect((applied["sha256"] as? String)?.count == 64)
        #expect(applied["resourceVersion"] is String)
        #expect(applied["appliedAt"] is String)
        let latest = try #require(json["latest"] as? [String: Any])
        #expect(latest["valid"] as? Bool == true)
        #expect(latest["diagnostics"] is [Any])
        #expect(json["nodeFile"] is [String: Any])
        // eni_conf in the seed holds access_key/access_secret: never served.
        #expect(!body.contains("access_"))
        let metrics = try await harness.get("/metrics").body
        #expect(metrics.contains("eni_config_agent_applied_info{sha256=\"\(applied["sha256"] as! String)\""))
        #expect(metrics.contains("eni_config_agent_build_info{version=\"\(BuildVersion.description)\"} 1"))
        #expect(metrics.split(separator: "\n").filter { !$0.hasPrefix("#") }.allSatisfy { $0.hasPrefix("eni_config_agent_") })
        #expect(try await harness.get("/healthz").status == 200)
    }

    @Test func aFailedWriteIsReportedAndRetriedUntilItSucceeds() async throws {
        // A directory where the node file should be: the rename fails (EISDIR) as a real write failure does.
        let harness = try await AgentHarness.start(mode: .onStart, startSandbox: false)
        defer { Task { await harness.stop() } }
        try FileManager.default.createDirectory(atPath: harness.nodeFilePath, withIntermediateDirectories: true)
        try await harness.sandbox.start()
        try await harness.eventually("a WriteFailed event") {
            harness.sandbox.events(namespace: "kube-system").contains { $0.type == "Warning" && $0.reason == "WriteFailed" }
        }
        #expect(try await harness.get("/readyz").status == 503)
        let failures = try await harness.get("/metrics").body.split(separator: "\n")
            .first { $0.hasPrefix("eni_config_agent_write_failures_total ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect((failures ?? 0) >= 1)
        try FileManager.default.removeItem(atPath: harness.nodeFilePath)
        try await harness.eventually("the retried write", timeout: .seconds(10)) { harness.nodeFile()?.contains("portmap") == true }
        try await harness.eventually("readiness") { try await harness.get("/readyz").status == 200 }
    }
}
