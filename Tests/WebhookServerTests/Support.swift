import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import TestSupport
@testable import WebhookCertificates
import WebhookServer

/// A CA and a serving pair for the webhook's Service name, written as the files a Secret
/// volume holds.
final class ServingFiles {
    static let host = "eni-config-webhook.kube-system.svc"

    let directory = TemporaryDirectory()
    /// The CA of the pair last issued.
    private(set) var caPEM = ""

    var certificateFile: String { directory.path + "/tls.crt" }
    var privateKeyFile: String { directory.path + "/tls.key" }

    /// Writes a pair for `names` signed by a new CA.
    func issue(names: [String] = [host]) throws {
        let authority = try CertificateIssuer.authority(now: Date(), validity: 86_400)
        let serving = try CertificateIssuer.serving(dnsNames: names, authority: authority, now: Date(), validity: 86_400)
        try serving.certificatePEM.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try serving.privateKeyPEM.write(toFile: privateKeyFile, atomically: true, encoding: .utf8)
        caPEM = try authority.certificatePEM
    }
}

/// A started in-process webhook, stopped by `stop()`.
struct RunningWebhook {
    let server: WebhookServer
    let task: Task<Void, any Error>

    static func start(_ files: ServingFiles, reloadInterval: Duration = .milliseconds(100), maximumBodyBytes: Int = WebhookConfiguration.defaultMaximumBodyBytes) async throws -> RunningWebhook {
        try await start(
            certificateFile: files.certificateFile, privateKeyFile: files.privateKeyFile,
            reloadInterval: reloadInterval, maximumBodyBytes: maximumBodyBytes)
    }

    static func start(
        certificateFile: String, privateKeyFile: String, reloadInterval: Duration = .milliseconds(100),
        maximumBodyBytes: Int = WebhookConfiguration.defaultMaximumBodyBytes
    ) async throws -> RunningWebhook {
        let server = WebhookServer(
            configuration: WebhookConfiguration(
                host: "127.0.0.1", port: 0, certificateFile: certificateFile, privateKeyFile: privateKeyFile,
                reloadInterval: reloadInterval, maximumBodyBytes: maximumBodyBytes),
            logger: Logger(label: "webhook-test"))
        let task = Task { try await server.run(gracefulShutdownSignals: []) }
        return RunningWebhook(server: server, task: task)
    }

    /// The port, once the server listens (nil if it does not within the limit).
    func port(within limit: Duration = .seconds(10)) async throws -> Int? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let port = server.listeningPort { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func stop() async {
        await server.stop()
        _ = await task.result
    }
}

/// One HTTPS request on a fresh connection, trusting `caPEM`, to the Service name routed to 127.0.0.1.
struct Reply {
    var status: Int
    var body: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

func post(
    port: Int, caPEM: String, path: String = WebhookConfiguration.defaultReviewPath, body: Data,
    contentType: String = "application/json", maximumTLSVersion: TLSVersion? = nil
) async throws -> Reply {
    var configuration = HTTPClient.Configuration()
    configuration.dnsOverride = [ServingFiles.host: "127.0.0.1"]
    // A refused handshake is the answer; the pool would retry it until the timeout.
    configuration.connectionPool.retryConnectionEstablishment = false
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
    tls.maximumTLSVersion = maximumTLSVersion
    configuration.tlsConfiguration = tls
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let reply = try await send(client, port: port, path: path, body: body, contentType: contentType)
        try await client.shutdown()
        return reply
    } catch {
        try? await client.shutdown()
        throw error
    }
}

private func send(_ client: HTTPClient, port: Int, path: String, body: Data, contentType: String) async throws -> Reply {
    var request = HTTPClientRequest(url: "https://\(ServingFiles.host):\(port)\(path)")
    request.method = .POST
    request.headers.add(name: "Content-Type", value: contentType)
    request.body = .bytes(ByteBuffer(bytes: body))
    let response = try await client.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return Reply(status: Int(response.status.code), body: String(buffer: bytes))
}

/// AdmissionReview bodies for kube-system/eni-config.
enum Review {
    static let secret = "LTAI-not-a-real-access-secret"

    static func conf(bandwidth: Bool) -> String {
        #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": \#(bandwidth)}}"#
    }

    /// A CREATE of eni-config whose conf and conflist agree (or not).
    static func create(uid: String = "5e1b0a3c-uid", valid: Bool = true, padding: Int = 0) -> Data {
        let conflist = #"{"plugins": [\#(conf(bandwidth: true)), {"type": "portmap", "capabilities": {"portMappings": true}}]}"#
        var data = ["10-terway.conf": conf(bandwidth: valid), "10-terway.conflist": conflist, "eni_conf": #"{"access_secret": "\#(secret)"}"#]
        if padding > 0 { data["padding"] = String(repeating: "x", count: padding) }
        let object: [String: Any] = [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "eni-config", "namespace": "kube-system"], "data": data,
        ]
        let request: [String: Any] = [
            "uid": uid, "kind": ["group": "", "version": "v1", "kind": "ConfigMap"], "namespace": "kube-system", "name": "eni-config",
            "operation": "CREATE", "object": object, "dryRun": false,
        ]
        return try! JSONSerialization.data(withJSONObject: ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request])
    }
}
