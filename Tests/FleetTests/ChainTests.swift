import Foundation
import KubeSandbox
import Testing
import TestSupport

/// `kubectl eni-config chain` as an operator runs it: the real kubectl finding the plugin on
/// PATH, against the sandbox holding the repository's example ConfigMap.
@Suite("kubectl eni-config chain", .serialized, .timeLimit(.minutes(2)))
struct ChainTests {
    struct Cluster {
        let sandbox: Sandbox
        let kubectl: Kubectl

        func chain(_ arguments: String...) async throws -> Kubectl.Result {
            try await kubectl.plugin("eni-config", ["chain"] + arguments, pluginDirectory: PluginTests.pluginDirectory)
        }

        var data: [String: String] {
            sandbox.configMap(namespace: "kube-system", name: "eni-config")?.data ?? [:]
        }

        var types: [String] {
            let list = (try? JSONSerialization.jsonObject(with: Data((data["10-terway.conflist"] ?? "").utf8))) as? [String: Any]
            return ((list?["plugins"] as? [[String: Any]]) ?? []).map { $0["type"] as? String ?? "?" }
        }

        var resourceVersion: String? {
            sandbox.configMap(namespace: "kube-system", name: "eni-config")?.resourceVersion
        }
    }

    /// The lines a unified diff takes out and puts in.
    func changes(_ diff: String) -> (removed: [String], added: [String]) {
        let lines = diff.split(separator: "\n").filter { !$0.hasPrefix("---") && !$0.hasPrefix("+++") }
        return (lines.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) },
                lines.filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) })
    }

    func withCluster(_ body: (Cluster) async throws -> Void) async throws {
        let sandbox = try Sandbox()
        try sandbox.seed(manifest: try example("eni-config.yaml"))
        try await sandbox.start()
        do {
            try await body(Cluster(sandbox: sandbox, kubectl: try Kubectl(kubeconfigYAML: sandbox.kubeconfigYAML())))
        } catch {
            await sandbox.shutdown()
            throw error
        }
        await sandbox.shutdown()
    }

    @Test("list, add with --dry-run then for real, move, remove: each a diff, each validated, only the conflist changes")
    func editing() async throws {
        try await withCluster { cluster in
            let list = try await cluster.chain("list")
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout == """
                0  terway  {"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}
                1  portmap  {"type": "portmap", "capabilities": {"portMappings": true}, "externalSetMarkChain": "KUBE-MARK-MASQ"}

                """, "every plugin whole, on one line")
            let original = cluster.data
            let version = cluster.resourceVersion

            let tuning = #"{"type": "tuning", "sysctl": {"net.core.somaxconn": "1024"}}"#
            let dryRun = try await cluster.chain("add", tuning, "--at", "1", "--dry-run")
            #expect(dryRun.status == 0, "\(dryRun.stderr)")
            #expect(dryRun.stdout.hasPrefix("--- kube-system/eni-config 10-terway.conflist\n+++ kube-system/eni-config 10-terway.conflist (edited)\n"), "\(dryRun.stdout)")
            let edit = changes(dryRun.stdout)
            #expect(edit.removed.isEmpty, "only the edit shows: \(dryRun.stdout)")
            #expect(edit.added.sorted() == [
                "      \"sysctl\": {\"net.core.somaxconn\": \"1024\"}", "      \"type\": \"tuning\",", "    {", "    },",
            ], "\(dryRun.stdout)")
            #expect(dryRun.stderr.contains("dry run: valid; nothing written"), "\(dryRun.stderr)")
            #expect(cluster.resourceVersion == version && cluster.data == original)
            let dryRunWrites = cluster.sandbox.requestLog.filter { $0.method == "PATCH" }
            #expect(dryRunWrites.map(\.query) == [["dryRun": "All"]], "the dry run went to the API server as one: \(dryRunWrites)")

            let added = try await cluster.chain("add", tuning, "--at", "1")
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stdout == dryRun.stdout, "the edit written is the one the dry run showed")
            #expect(added.stderr.contains("written: resourceVersion \(cluster.resourceVersion ?? "?")"), "\(added.stderr)")
            #expect(cluster.types == ["terway", "tuning", "portmap"])
            for key in ["eni_conf", "disable_network_policy", "10-terway.conf"] {
                #expect(cluster.data[key] == original[key], "\(key) is left as it was")
            }

            let moved = try await cluster.chain("move", "tuning", "--to", "2")
            #expect(moved.status == 0, "\(moved.stderr)")
            #expect(cluster.types == ["terway", "portmap", "tuning"])

            let again = try await cluster.chain("move", "2", "--to", "2")
            #expect(again.status == 0 && again.stderr.contains("no change"), "\(again.stderr)")

            let terway = try await cluster.chain("remove", "terway")
            #expect(terway.status == 2 && terway.stderr.contains("plugins[0] is terway itself and stays first"), "\(terway.stderr)")
            let unknown = try await cluster.chain("remove", "flannel")
            #expect(unknown.status == 2 && unknown.stderr.contains("no plugin has type \"flannel\": the chain is terway → portmap → tuning"), "\(unknown.stderr)")
            let typeless = try await cluster.chain("add", #"{"sysctl": {}}"#)
            #expect(typeless.status == 2 && typeless.stderr.contains("the plugin to add has no \"type\""), "\(typeless.stderr)")

            let removed = try await cluster.chain("remove", "2")
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(changes(removed.stdout).removed.contains("      \"type\": \"tuning\","), "\(removed.stdout)")
            #expect(cluster.types == ["terway", "portmap"])
            #expect(!removed.stderr.contains("warning"), "no pod relies on tuning")
        }
    }

    @Test("an edit that leaves the ConfigMap invalid is not written; sync makes plugins[0] the 10-terway.conf again")
    func invalidEditAndSync() async throws {
        try await withCluster { cluster in
            try cluster.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { configMap in
                configMap.data["10-terway.conf"] = #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": false}}"#
            }
            let version = cluster.resourceVersion
            let refused = try await cluster.chain("add", #"{"type": "tuning", "sysctl": {"net.core.somaxconn": "1024"}}"#)
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("plugins[0].capabilities.bandwidth: true here, false in 10-terway.conf"), "\(refused.stderr)")
            #expect(refused.stderr.contains("not written: the edited ConfigMap would be invalid (1 errors)"), "\(refused.stderr)")
            #expect(cluster.resourceVersion == version)

            let preview = try await cluster.chain("sync", "--dry-run")
            #expect(preview.status == 0, "\(preview.stderr)")
            let sync = changes(preview.stdout)
            #expect(sync.removed == ["      \"capabilities\": {\"bandwidth\": true}"], "only the edit shows: \(preview.stdout)")
            #expect(sync.added == ["      \"capabilities\": {\"bandwidth\": false}"], "\(preview.stdout)")
            #expect(cluster.resourceVersion == version)
            let synced = try await cluster.chain("sync")
            #expect(synced.status == 0, "\(synced.stderr)")
            let validate = try await cluster.kubectl.plugin("eni-config", ["validate"], pluginDirectory: PluginTests.pluginDirectory)
            #expect(validate.status == 0, "\(validate.stderr)")
            #expect(try await cluster.chain("sync").stderr.contains("no change"))
        }
    }

    @Test("removing portmap warns while a pod with a hostPort is not finished, and is still written")
    func portmapWarning() async throws {
        try await withCluster { cluster in
            let pod = try cluster.kubectl.file("web.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: default}
                spec:
                  containers:
                  - name: web
                    image: nginx
                    ports: [{containerPort: 80, hostPort: 8080}]
                """)
            let applied = try await cluster.kubectl.run(["apply", "-f", pod])
            #expect(applied.status == 0, "\(applied.stderr)")
            let removed = try await cluster.chain("remove", "portmap")
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(removed.stderr.contains("warning: 1 pods not yet finished use a hostPort, which portmap sets up: default/web."), "\(removed.stderr)")
            #expect(cluster.types == ["terway"])
        }
    }

    @Test("a write that meets a 409 reads the ConfigMap again and makes the edit on what is there")
    func conflictRetry() async throws {
        try await withCluster { cluster in
            cluster.sandbox.failNextRequests(1, status: 409, matching: RequestMatcher { $0.method == "PATCH" && $0.path.hasSuffix("/configmaps/eni-config") })
            cluster.sandbox.clearRequestLog()
            let added = try await cluster.chain("add", #"{"type": "tuning", "sysctl": {"net.core.somaxconn": "1024"}}"#)
            #expect(added.status == 0, "\(added.stderr)")
            #expect(cluster.types == ["terway", "portmap", "tuning"])
            let patches = cluster.sandbox.requestLog.filter { $0.method == "PATCH" }.map(\.status)
            #expect(patches == [409, 200])
            let reads = cluster.sandbox.requestLog.filter { $0.method == "GET" && $0.path.hasSuffix("/configmaps") }
            #expect(reads.count == 2, "one read per attempt: \(reads)")
        }
    }
}
