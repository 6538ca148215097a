import Foundation
import Hummingbird
import NIOSSL
import Testing
@testable import KubeAPI

/// The https path end to end: a kubeconfig with the test CA, a server certificate for
/// `localhost`, tokens and client certificates.
@Suite(.timeLimit(.minutes(1)))
struct TLSConnectionTests {
    let pki = TestPKI.shared

    func serverTLS(requireClientCertificate: Bool = false) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(pki.serverCertificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.serverKeyPEM.utf8), format: .pem))
        )
        if requireClientCertificate {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.caCertificatePEM.utf8)))
        }
        return tls
    }

    func connection(port: Int, cluster: [String], user: [String], in directory: TemporaryDirectory) throws -> ClusterConnection {
        let path = try directory.write("config", kubeconfigText(server: "https://localhost:\(port)", cluster: cluster, user: user))
        return try ClusterConnection.fromKubeConfig(paths: [path], context: nil)
    }

    static let emptyList = LocalAPIServer.listJSON("1", [])

    @Test func aTrustedServerGetsTheBearerToken() async throws {
        let directory = try TemporaryDirectory()
        try await LocalAPIServer.run(tls: try serverTLS(), respond: { _, _ in .json(Self.emptyList) }) { port, server in
            let connection = try connection(
                port: port, cluster: ["certificate-authority-data: \(pki.caCertificatePEM.base64)"], user: ["token: tls-token"], in: directory
            )
            let client = KubeClient(connection: connection)
            let result = try await client.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            try await client.shutdown()
            #expect(result.resourceVersion == "1")
            #expect(server.requests.first?.authorization == "Bearer tls-token")
        }
    }

    @Test func anUntrustedServerIsRefusedUnlessInsecureSkipIsSet() async throws {
        let directory = try TemporaryDirectory()
        try await LocalAPIServer.run(tls: try serverTLS(), respond: { _, _ in .json(Self.emptyList) }) { port, server in
            // No CA: the system roots do not know the test CA.
            let strict = KubeClient(connection: try connection(port: port, cluster: [], user: ["token: t"], in: directory))
            await #expect {
                _ = try await strict.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            } throws: { error in
                guard case .connection = error as? KubeAPIError else { return false }
                return true
            }
            try await strict.shutdown()
            #expect(server.requests.isEmpty)

            let insecure = KubeClient(connection: try connection(
                port: port, cluster: ["insecure-skip-tls-verify: true"], user: ["token: t"], in: directory
            ))
            _ = try await insecure.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            try await insecure.shutdown()
            #expect(server.requests.count == 1)
        }
    }

    @Test func aClientCertificateAuthenticates() async throws {
        let directory = try TemporaryDirectory()
        try await LocalAPIServer.run(tls: try serverTLS(requireClientCertificate: true), respond: { _, _ in .json(Self.emptyList) }) { port, server in
            let ca = "certificate-authority-data: \(pki.caCertificatePEM.base64)"
            let withCertificate = KubeClient(connection: try connection(port: port, cluster: [ca], user: [
                "client-certificate-data: \(pki.clientCertificatePEM.base64)", "client-key-data: \(pki.clientKeyPEM.base64)",
            ], in: directory))
            _ = try await withCertificate.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            try await withCertificate.shutdown()
            #expect(server.requests.count == 1)
            #expect(server.requests.first?.authorization == nil)

            let without = KubeClient(connection: try connection(port: port, cluster: [ca], user: [], in: directory))
            await #expect(throws: KubeAPIError.self) {
                _ = try await without.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            }
            try await without.shutdown()
            #expect(server.requests.count == 1)
        }
    }

    @Test func aRejectedTokenIsReReadAndTheWatcherCarriesOn() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("token", "expired-token")
        try await LocalAPIServer.run(tls: try serverTLS(), respond: { request, _ in
            guard request.authorization == "Bearer rotated-token" else {
                return .kubeStatus(401, reason: "Unauthorized", message: "Unauthorized")
            }
            return request.query["watch"] == "1"
                ? .stream([], holdOpen: .seconds(30))
                : .json(LocalAPIServer.listJSON("10", [ConfigMapFixture(resourceVersion: "9")]))
        }) { port, server in
            let connection = try connection(
                port: port, cluster: ["certificate-authority-data: \(pki.caCertificatePEM.base64)"], user: ["tokenFile: token"], in: directory
            )
            // The kubelet rotates the token after the agent read it.
            try directory.write("token", "rotated-token")
            let client = KubeClient(connection: connection)
            let watcher = Watcher(client: client, namespace: "kube-system", name: "eni-config", configuration: fastWatcher)
            let first = try await within(.seconds(20)) {
                var iterator = watcher.makeAsyncIterator()
                return await iterator.next()
            }
            try await client.shutdown()

            #expect(first?.resourceVersion == "9")
            #expect(server.requests.map(\.authorization).prefix(2) == ["Bearer expired-token", "Bearer rotated-token"])
            #expect(watcher.status.lastFailure?.error.statusCode == 401)
        }
    }
}
