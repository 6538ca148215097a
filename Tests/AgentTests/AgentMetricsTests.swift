import Agent
@testable import KubeAPI
import NodeFiles
import Synchronization
import Testing

/// Reading the agent's state changes no metric: the watcher's counts reach their counters when
/// `/metrics` is scraped, and only then.
@Suite struct AgentMetricsTests {
    private final class WatchStatusBox: Sendable {
        let status = Mutex(Watcher.Status())
    }

    @Test func statusAndReadinessOnlyReadAndAScrapeCatchesUpOnce() async throws {
        let watch = WatchStatusBox()
        watch.status.withLock {
            $0.counters.lists = 3  // two relists
            $0.counters.watches = 5  // four restarts
        }
        let metrics = AgentMetrics(version: "9.9.9-test")
        let state = AgentState(
            node: "node-a", mode: .live, directory: CNIDirectory(path: "/nonexistent/net.d"), metrics: metrics,
            rolloutRestartedAt: nil, watchStatus: { watch.status.withLock { $0 } })

        let untouched = metrics.exposition()
        let status = await state.status()
        #expect(status.watch.watchRestarts == 4 && status.watch.relists == 2)
        #expect(await state.readiness() != .ready)
        #expect(metrics.exposition() == untouched)

        await state.refreshMetrics()
        let scraped = metrics.exposition()
        #expect(scraped.contains("\neni_config_agent_watch_restarts_total 4\n"))
        #expect(scraped.contains("\neni_config_agent_relists_total 2\n"))
        #expect(scraped.contains("\neni_config_agent_build_info{version=\"9.9.9-test\"} 1"))

        await state.refreshMetrics()
        #expect(metrics.exposition() == scraped, "a second scrape with nothing new adds nothing")
        watch.status.withLock { $0.counters.watches = 6 }
        await state.refreshMetrics()
        #expect(metrics.exposition().contains("\neni_config_agent_watch_restarts_total 5\n"))
    }
}
