import Agent
import Foundation
import Glibc
import KubeSandbox
import NodeFiles
import Testing

extension AgentHarness {
    /// The value of one series of `/metrics`, nil when absent.
    func metric(_ series: String) async throws -> Double? {
        try await get("/metrics").body.split(separator: "\n")
            .first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    var cniDirectory: String { directory.appendingPathComponent("net.d").path }
    var stateDirectory: String { directory.appendingPathComponent("state").path }

    func events(reason: String) -> [SandboxEvent] {
        sandbox.events(namespace: "kube-system").filter { $0.reason == reason }
    }
}

/// What a failing disk, a flood of edits and a flood of findings do to `run`.
@Suite(.serialized) struct HardeningIntegrationTests {
    /// Once the rename is done the version is on the node: a last-good record that cannot be
    /// written and a stale 10-terway.conf that cannot be removed are warnings (log, Event,
    /// metric), the pod turns Ready, and nothing is retried.
    @Test func failuresAfterTheRenameAreWarningsThatNeitherBlockNorRetry() async throws {
        let harness = try await AgentHarness.start(mode: .onStart, startSandbox: false)
        defer { Task { await harness.stop() } }
        // The state directory is a file (ENOTDIR); a non-empty directory has the stale file's name (EISDIR).
        FileManager.default.createFile(atPath: harness.stateDirectory, contents: Data("not a directory".utf8))
        try FileManager.default.createDirectory(
            atPath: harness.cniDirectory + "/10-terway.conf/inside", withIntermediateDirectories: true)
        try await harness.sandbox.start()

        try await harness.eventually("readiness") { try await harness.get("/readyz").status == 200 }
        #expect(harness.nodeFile()?.contains("portmap") == true)
        try await harness.eventually("an AppliedWithWarnings event") { !harness.events(reason: "AppliedWithWarnings").isEmpty }
        let note = try #require(harness.events(reason: "AppliedWithWarnings").first).note
        #expect(note.contains("cannot open the directory \(harness.stateDirectory)"), "\(note)")
        #expect(note.contains("cannot remove \(harness.cniDirectory)/10-terway.conf"), "\(note)")
        #expect(!note.contains("previous file stays"))
        #expect(harness.logs.all.contains { $0.hasPrefix("warning") && $0.contains("a step after writing it failed") })
        #expect(await harness.status().applied != nil)

        // Past the first two retry waits of a failed write (1–2 s, then 2–4 s): nothing was retried.
        try await Task.sleep(for: .seconds(4))
        #expect(try await harness.metric("eni_config_agent_apply_warnings_total") == 2)
        #expect(try await harness.metric("eni_config_agent_write_failures_total") == 0)
        #expect(try await harness.metric("eni_config_agent_applies_total") == 1)
        #expect(harness.events(reason: "WriteFailed").isEmpty)
        #expect(harness.events(reason: "AppliedWithWarnings").count == 1)
    }

    /// 20,000 plugins of `{"type":1}`: every one is an error, and the agent keeps the first few.
    @Test func aFloodOfFindingsGivesABoundedStatusLogAndEvent() async throws {
        let plugins = Array(repeating: #"{"type":1}"#, count: 20_000).joined(separator: ",")
        let harness = try await AgentHarness.start(mode: .live) { sandbox in
            try sandbox.apply(SandboxConfigMap(namespace: "kube-system", name: "eni-config", data: [
                "10-terway.conf": #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway"}"#,
                "10-terway.conflist": #"{"plugins": [\#(plugins)]}"#,
            ]))
        }
        defer { Task { await harness.stop() } }
        try await harness.eventually("the invalid version to be reported") {
            !harness.events(reason: "InvalidConfig").isEmpty
        }
        let status = try await harness.get("/status")
        #expect(status.body.utf8.count < 256 * 1024, "/status is \(status.body.utf8.count) bytes")
        let latest = try #require(await harness.status().latest)
        #expect(latest.diagnostics.count == ObservedVersion.diagnosticLimit)
        #expect(latest.diagnostics.count + latest.diagnosticsOmitted >= 20_000)
        let logged = harness.logs.all
        #expect(logged.count < 1_000, "\(logged.count) log lines")
        #expect(logged.contains { $0.contains("more findings are not shown") })
        let note = try #require(harness.events(reason: "InvalidConfig").first).note
        #expect(note.utf8.count <= 1024)
        #expect(note.contains("more: see /status"))
        let readiness = try await harness.get("/readyz")
        #expect(readiness.body.contains("(\(latest.diagnostics.count + latest.diagnosticsOmitted) errors)"), "\(readiness.body)")
    }

    /// `/status`, `/metrics` and `/readyz` look at the node file for every request, but read
    /// (and hash) it only when it changed: inotify counts every open() of it.
    @Test func statusMetricsAndProbesDoNotReadTheNodeFileForEachRequest() async throws {
        let harness = try await AgentHarness.start(mode: .onStart)
        defer { Task { await harness.stop() } }
        try await harness.eventually("readiness") { try await harness.get("/readyz").status == 200 }
        let watch = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        defer { close(watch) }
        // Closes are watched too: inotify folds identical events in a row into one, and an open
        // followed by its close never is.
        #expect(inotify_add_watch(watch, harness.cniDirectory, UInt32(IN_OPEN | IN_CLOSE_NOWRITE)) >= 0)
        for _ in 0..<50 {
            #expect(try await harness.get("/status").status == 200)
            #expect(try await harness.get("/metrics").status == 200)
            #expect(try await harness.get("/readyz").status == 200)
        }
        // At most one read when the cached digest reached its maximum age during the loop.
        #expect(opens(of: CNIDirectory.nodeFileName, in: watch) <= 1)

        // A change behind the agent's back is still seen at the next request.
        try "{}\n".write(toFile: harness.nodeFilePath, atomically: true, encoding: .utf8)
        #expect(try await harness.get("/readyz").status == 503)
        #expect(opens(of: CNIDirectory.nodeFileName, in: watch) >= 1)
    }

    private func opens(of name: String, in watch: Int32) -> Int {
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let length = buffer.withUnsafeMutableBytes { read(watch, $0.baseAddress, $0.count) }
            guard length > 0 else { return count }
            var offset = 0
            while offset < length {
                let (size, mask, eventName) = buffer.withUnsafeBytes { raw -> (Int, UInt32, String) in
                    let event = raw.load(fromByteOffset: offset, as: inotify_event.self)
                    let start = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[start..<(start + Int(event.len))].prefix { $0 != 0 }
                    return (MemoryLayout<inotify_event>.size + Int(event.len), event.mask, String(decoding: nameBytes, as: UTF8.self))
                }
                if eventName == name, mask & UInt32(IN_OPEN) != 0 { count += 1 }
                offset += size
            }
        }
    }

    /// A write blocked (here behind the directory lock, as behind a stalled disk) while 1,000 edits
    /// arrive: the agent writes the one in progress and then only the newest.
    @Test func aBurstOfEditsWhileAWriteIsBlockedEndsInAtMostTwoWrites() async throws {
        let harness = try await AgentHarness.start(mode: .live, seed: "eni-config-tuning.yaml")
        defer { Task { await harness.stop() } }
        try await harness.eventually("the first version applied and an open watch") {
            await harness.status().applied != nil && harness.sandbox.openWatchCount == 1
        }
        let appliesBefore = try #require(try await harness.metric("eni_config_agent_applies_total"))
        let lock = open(harness.cniDirectory, O_RDONLY | O_DIRECTORY)
        #expect(flock(lock, LOCK_EX) == 0)
        let chain = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config")?.data["10-terway.conflist"])
        var last = 0
        for edit in 1...1000 {
            let edited = try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { configMap in
                configMap.data["10-terway.conflist"] = chain.replacingOccurrences(
                    of: "\"type\": \"tuning\",", with: "\"type\": \"tuning\", \"mtu\": \(1000 + edit),")
            }
            last = Int(edited.resourceVersion ?? "") ?? 0
        }
        // The watcher reads every edit while the first write waits for the lock.
        try await harness.eventually("the watch to reach the last edit", timeout: .seconds(30)) {
            await (Int(harness.status().watch.resourceVersion) ?? 0) >= last
        }
        flock(lock, LOCK_UN)
        close(lock)
        try await harness.eventually("the last edit on the node", timeout: .seconds(60)) {
            harness.nodeFile()?.contains("\"mtu\": 2000") == true
        }
        try await Task.sleep(for: .milliseconds(500))
        let writes = try #require(try await harness.metric("eni_config_agent_applies_total")) - appliesBefore
        #expect(writes <= 2, "\(writes) writes: \(harness.logs.all.filter { $0.contains("node file written") })")
    }
}
