import Agent
import Foundation
import Glibc
import Testing

/// A TCP connection to the agent's endpoints, made by hand so a test can misbehave as a client.
final class RawConnection {
    let fd: Int32

    /// Connects to 127.0.0.1:`port` from `source` (another loopback address stands for another host).
    init(port: Int, from source: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
        guard bound == 0, connected == 0 else {
            close(fd)
            throw HarnessTimeout()
        }
    }

    deinit { close(fd) }

    /// False once the peer has closed the connection (a write then fails).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads until the peer closes the connection or `limit` passes; returns what was read and
    /// whether it was closed.
    func readUntilClosed(within limit: Duration) -> (text: String, closed: Bool) {
        let deadline = ContinuousClock.now + limit
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&poller, 1, max(milliseconds, 1)) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer.prefix(count)
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}

/// The listener is on the node's address: what a misbehaving client can and cannot do to it.
@Suite(.serialized) struct HTTPListenerLimitTests {
    static var quick: HTTPLimits {
        var limits = HTTPLimits()
        limits.headerTimeout = .seconds(1)
        limits.bodyTimeout = .seconds(1)
        return limits
    }

    private func startAgent(_ limits: HTTPLimits = quick) async throws -> (AgentHarness, Int) {
        let harness = try await AgentHarness.start(mode: .onStart, configure: { $0.httpLimits = limits })
        try await harness.eventually("readiness") { try await harness.get("/readyz").status == 200 }
        return (harness, try #require(harness.runtime.listeningPort))
    }

    @Test func aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() async throws {
        let (harness, port) = try await startAgent()
        defer { Task { await harness.stop() } }
        let connection = try RawConnection(port: port)
        let opened = ContinuousClock.now
        #expect(connection.readUntilClosed(within: .seconds(4)).closed)
        #expect(ContinuousClock.now - opened >= .milliseconds(900))
    }

    @Test func aHeaderThatNeverEndsIsCutOff() async throws {
        let (harness, port) = try await startAgent()
        defer { Task { await harness.stop() } }
        let connection = try RawConnection(port: port)
        connection.send("GET /status HTTP/1.1\r\nHost: agent\r\nX-Slow: ")
        let opened = ContinuousClock.now
        var cutOff = false
        // One byte every 100 ms keeps the socket busy but never finishes the header.
        while ContinuousClock.now - opened < .seconds(4) {
            guard connection.send("a") else {
                cutOff = true
                break
            }
            if connection.readUntilClosed(within: .milliseconds(100)).closed {
                cutOff = true
                break
            }
        }
        #expect(cutOff)
        #expect(ContinuousClock.now - opened < .seconds(3))
    }

    @Test func aKeptAliveConnectionIsClosedWhenIdle() async throws {
        let (harness, port) = try await startAgent()
        defer { Task { await harness.stop() } }
        let connection = try RawConnection(port: port)
        connection.send("GET /healthz HTTP/1.1\r\nHost: agent\r\n\r\n")
        let answer = connection.readUntilClosed(within: .seconds(10))
        #expect(answer.text.hasPrefix("HTTP/1.1 200"), "\(answer.text)")
        #expect(answer.closed, "closed after the idle timeout, not kept open")
    }

    @Test func aRequestBodyOverTheCapIsCutOff() async throws {
        var limits = Self.quick
        limits.bodyTimeout = .seconds(30)
        let (harness, port) = try await startAgent(limits)
        defer { Task { await harness.stop() } }
        let connection = try RawConnection(port: port)
        connection.send("GET /status HTTP/1.1\r\nHost: agent\r\nContent-Length: 1000000\r\n\r\n")
        connection.send(String(repeating: "x", count: limits.maximumBodyBytes + 1024))
        #expect(connection.readUntilClosed(within: .seconds(2)).closed)
    }

    @Test func aHeaderOverTheCapIsRefused() async throws {
        let (harness, port) = try await startAgent()
        defer { Task { await harness.stop() } }
        let connection = try RawConnection(port: port)
        let field = String(repeating: "a", count: HTTPLimits().maximumHeaderBytes + 1024)
        connection.send("GET /healthz HTTP/1.1\r\nHost: agent\r\nX-Big: \(field)\r\n\r\n")
        let answer = connection.readUntilClosed(within: .seconds(2))
        #expect(answer.closed)
        #expect(!answer.text.hasPrefix("HTTP/1.1 200"), "\(answer.text)")
    }

    @Test func connectionsFromOtherHostsOverTheLimitAreClosedAndProbesStillAnswer() async throws {
        var limits = HTTPLimits()
        limits.remoteConnections = 8
        limits.sameHostConnections = 4
        let (harness, port) = try await startAgent(limits)
        defer { Task { await harness.stop() } }
        // 127.0.0.2 stands for another host: the agent listens on 127.0.0.1.
        var held: [RawConnection] = []
        for _ in 0..<limits.remoteConnections { held.append(try RawConnection(port: port, from: "127.0.0.2")) }
        for _ in 0..<3 { #expect(!held[0].readUntilClosed(within: .milliseconds(100)).closed, "admitted connections stay open") }
        for _ in 0..<20 {
            let refused = try RawConnection(port: port, from: "127.0.0.2")
            #expect(refused.readUntilClosed(within: .seconds(1)).closed)
        }
        // The kubelet's probes come from the node's own address: they still get in at once.
        let probed = ContinuousClock.now
        #expect(try await harness.get("/readyz").status == 200)
        #expect(try await harness.get("/healthz").status == 200)
        #expect(ContinuousClock.now - probed < .seconds(2))
        // Same-host connections have their own, separate limit (the test's own HTTP client may
        // hold one of them, so only the excess is counted).
        let local = try (0..<(limits.sameHostConnections + 2)).map { _ in try RawConnection(port: port) }
        let closed = local.filter { $0.readUntilClosed(within: .milliseconds(500)).closed }.count
        #expect(closed >= 2)
        #expect(local.count - closed <= limits.sameHostConnections)
        held.removeAll()
        try await harness.eventually("a slot for a new connection") { try await harness.get("/healthz").status == 200 }
    }
}
