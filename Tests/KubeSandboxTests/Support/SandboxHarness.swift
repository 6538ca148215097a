import AsyncHTTPClient
import Foundation
import KubeSandbox
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import Testing
import TestSupport

extension Kubectl {
    /// kubectl with the sandbox's kubeconfig (or the given text).
    init(for sandbox: Sandbox, kubeconfigYAML: String? = nil) throws {
        try self.init(kubeconfigYAML: kubeconfigYAML ?? sandbox.kubeconfigYAML())
    }
}

/// A started sandbox plus an HTTP client that trusts its CA, torn down after the body.
struct SandboxHarness {
    let sandbox: Sandbox
    let http: HTTPClient

    var base: String { sandbox.endpoint!.absoluteString }

    static func with<T>(
        _ configuration: SandboxConfiguration = SandboxConfiguration(),
        seed: String? = nil,
        _ body: (SandboxHarness) async throws -> T
    ) async throws -> T {
        let sandbox = try Sandbox(configuration: configuration)
        if let seed { try sandbox.seed(manifest: seed) }
        try await sandbox.start()
        var tls = TLSConfiguration.makeClientConfiguration()
        if let pem = sandbox.certificateAuthorityPEM {
            tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(pem.utf8), format: .pem)])
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        let harness = SandboxHarness(sandbox: sandbox, http: http)
        do {
            let result = try await body(harness)
            try await http.shutdown()
            await sandbox.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            await sandbox.shutdown()
            throw error
        }
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// One request with the sandbox's token (or `token` when given; "" sends none).
    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
        token: String? = nil, accept: String? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let bearer = token ?? sandbox.token, !bearer.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 8 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: headers, body: String(buffer: buffer))
    }

    /// Opens a watch (or any streaming GET) and collects its lines in the background.
    func watch(_ path: String) async throws -> WatchConnection {
        var request = HTTPClientRequest(url: base + path)
        if let token = sandbox.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await http.execute(request, timeout: .seconds(60))
        return WatchConnection(status: Int(response.status.code), body: response.body)
    }
}

/// The lines of a streaming response as they arrive, and how it ended.
final class WatchConnection: Sendable {
    private struct State {
        var lines: [String] = []
        var finished = false
        /// Why the body broke off, if it did not end cleanly.
        var failure: String?
    }

    let status: Int
    private let state = Mutex(State())
    private let reader: Mutex<Task<Void, Never>?> = Mutex(nil)

    init(status: Int, body: HTTPClientResponse.Body) {
        self.status = status
        let task = Task { [self] in
            var pending: [UInt8] = []
            do {
                for try await chunk in body {
                    pending += chunk.readableBytesView
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: pending[..<newline], as: UTF8.self)
                        pending.removeSubrange(...newline)
                        self.state.withLock { $0.lines.append(line) }
                    }
                }
            } catch {
                self.state.withLock { $0.failure = String(describing: error) }
            }
            self.state.withLock { $0.finished = true }
        }
        reader.withLock { $0 = task }
    }

    var events: [WatchLine] {
        state.withLock { $0.lines }.map(WatchLine.init)
    }

    /// Lines received so far, without decoding them.
    var count: Int {
        state.withLock { $0.lines.count }
    }

    var isFinished: Bool {
        state.withLock { $0.finished }
    }

    /// Why reading the body failed: the connection closed before the last chunk (or `cancel()`
    /// was called). Nil after a clean end, and while still open.
    var failure: String? {
        state.withLock { $0.failure }
    }

    /// Waits until at least `count` events arrived; fails the test if they do not in time.
    @discardableResult
    func events(atLeast count: Int, within limit: Duration = .seconds(5), sourceLocation: SourceLocation = #_sourceLocation) async throws -> [WatchLine] {
        let deadline = ContinuousClock.now + limit
        while self.count < count, ContinuousClock.now < deadline, !isFinished {
            try await Task.sleep(for: .milliseconds(10))
        }
        let received = events
        #expect(received.count >= count, "expected \(count) events, got \(received.map(\.line))", sourceLocation: sourceLocation)
        return received
    }

    /// Waits for the server to end the stream; returns how long that took.
    func finish(within limit: Duration = .seconds(5)) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while !isFinished, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return isFinished
    }

    /// Hangs up, as a client that goes away.
    func cancel() {
        reader.withLock { $0?.cancel() }
    }
}

/// One decoded watch event line.
struct WatchLine {
    let line: String
    let type: String
    let object: [String: Any]

    init(_ line: String) {
        self.line = line
        let json = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        type = json["type"] as? String ?? "?"
        object = json["object"] as? [String: Any] ?? [:]
    }

    var metadata: [String: Any] { object["metadata"] as? [String: Any] ?? [:] }
    var resourceVersion: String? { metadata["resourceVersion"] as? String }
    var name: String? { metadata["name"] as? String }
    var data: [String: String] { object["data"] as? [String: String] ?? [:] }
    /// For an ERROR event: the Status code and reason.
    var code: Int? { object["code"] as? Int }
    var reason: String? { object["reason"] as? String }
}

enum Seeds {
    static let eniConfig = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: eni-config
          namespace: kube-system
        data:
          10-terway.conf: |
            {"cniVersion": "0.4.0", "name": "terway", "type": "terway"}
          eni_conf: |
            {"access_key": "not-a-real-key"}
        """
}
