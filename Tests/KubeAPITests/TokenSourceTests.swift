import Glibc
import NIOSSL
import Testing
@testable import KubeAPI

struct TokenSourceTests {
    @Test func aTokenFileIsReReadAfterTheRefreshIntervalOnly() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", "  first\n")
        let clock = ManualClock()
        let source = try TokenSource(file: path, refreshInterval: .seconds(60), now: { clock.now })
        #expect(source.token() == "first")

        try directory.write("token", "second")
        clock.advance(by: .seconds(59))
        #expect(source.token() == "first")
        clock.advance(by: .seconds(1))
        #expect(source.token() == "second")
    }

    @Test func reloadReadsAtOnceAndReportsAChange() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", "first")
        let clock = ManualClock()
        let source = try TokenSource(file: path, now: { clock.now })
        #expect(source.reload() == false)
        try directory.write("token", "rotated")
        #expect(source.reload() == true)
        #expect(source.token() == "rotated")
    }

    @Test func aFailedReadKeepsTheOldTokenAndSaysWhy() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", "good")
        let clock = ManualClock()
        let source = try TokenSource(file: path, now: { clock.now })

        try directory.remove("token")
        #expect(source.reload() == false)
        #expect(source.token() == "good")
        #expect(source.lastReadError == "\(path): No such file or directory; keeping the previous token")

        // An empty file (a rewrite caught half way) is a failed read too.
        try directory.write("token", "\n")
        clock.advance(by: .seconds(61))
        #expect(source.token() == "good")
        #expect(source.lastReadError?.contains("the file is empty") == true)

        try directory.write("token", "fresh")
        // The failed reads did not restart the interval: the next request tries again.
        #expect(source.token() == "fresh")
        #expect(source.lastReadError == nil)
    }

    /// A FIFO planted at the token path must not hang the agent in open() (the refresh holds the
    /// token lock): with no writer it reads as empty, which keeps the previous token.
    @Test func aFIFOAtTheTokenPathReadsAsEmptyInsteadOfHanging() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", "good")
        let source = try TokenSource(file: path)
        try directory.remove("token")
        #expect(mkfifo(path, 0o600) == 0)
        #expect(source.reload() == false)
        #expect(source.token() == "good")
        #expect(source.lastReadError == "\(path): the file is empty; keeping the previous token")
    }

    @Test func theFirstReadMustSucceed() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: ClusterConnectionError(
            file: "\(directory.path)/token", message: "cannot read the bearer token: No such file or directory"
        )) {
            try TokenSource(file: "\(directory.path)/token")
        }
    }

    @Test func anInlineTokenNeverChanges() {
        let source = TokenSource(token: "abc")
        #expect(source.reload() == false)
        #expect(source.token() == "abc")
    }
}

struct InClusterConfigTests {
    let pki = TestPKI.shared

    func serviceAccount(token: String? = "sa-token\n", ca: String? = TestPKI.shared.caCertificatePEM, namespace: String? = "kube-system")
        throws -> TemporaryDirectory
    {
        let directory = try TemporaryDirectory()
        if let token { try directory.write("token", token) }
        if let ca { try directory.write("ca.crt", ca) }
        if let namespace { try directory.write("namespace", namespace) }
        return directory
    }

    let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

    @Test func usesTheServiceAddressTokenCAAndNamespace() throws {
        let directory = try serviceAccount()
        let connection = try InClusterConfig.connection(environment: environment, serviceAccountDirectory: directory.path)
        #expect(connection.server == "https://10.96.0.1:443")
        #expect(connection.tokenSource?.token() == "sa-token")
        #expect(connection.tokenSource?.origin == .file(path: "\(directory.path)/token", refreshInterval: .seconds(60)))
        #expect(connection.namespace == "kube-system")
        #expect(connection.tlsConfiguration?.certificateVerification == .fullVerification)
        #expect(connection.tlsConfiguration?.trustRoots != nil)
    }

    @Test func anIPv6ServiceAddressIsBracketed() throws {
        let directory = try serviceAccount(namespace: nil)
        let connection = try InClusterConfig.connection(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"],
            serviceAccountDirectory: directory.path
        )
        #expect(connection.server == "https://[fd00::1]:6443")
        #expect(connection.namespace == nil)
    }

    @Test func aMissingTokenOrCAIsAnErrorNotAnInsecureFallback() throws {
        let noToken = try serviceAccount(token: nil)
        #expect(throws: ClusterConnectionError(
            file: "\(noToken.path)/token",
            message: "cannot read the bearer token: No such file or directory: is automountServiceAccountToken disabled for this pod?"
        )) {
            try InClusterConfig.connection(environment: environment, serviceAccountDirectory: noToken.path)
        }
        let noCA = try serviceAccount(ca: nil)
        do {
            _ = try InClusterConfig.connection(environment: environment, serviceAccountDirectory: noCA.path)
            Issue.record("expected an error without ca.crt")
        } catch {
            #expect(error.file == "\(noCA.path)/ca.crt")
            #expect(error.message.hasPrefix("cannot read the service account's CA (No such file or directory)"))
        }
        let badCA = try serviceAccount(ca: "not a certificate")
        #expect(throws: ClusterConnectionError.self) {
            try InClusterConfig.connection(environment: environment, serviceAccountDirectory: badCA.path)
        }
    }

    private func certificates(_ pem: String) throws -> NIOSSLTrustRoots {
        .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
    }

    /// The kubelet rewrites `ca.crt` when the cluster CA rotates: it is re-read like the token,
    /// and a half-written file keeps the certificates already trusted.
    @Test func theServiceAccountCAIsReReadLikeTheToken() throws {
        let directory = try serviceAccount()
        let connection = try InClusterConfig.connection(environment: environment, serviceAccountDirectory: directory.path)
        #expect(connection.currentTLSConfiguration()?.trustRoots == (try certificates(TestPKI.shared.caCertificatePEM)))

        // Any other certificate stands for the rotated CA.
        try directory.write("ca.crt", TestPKI.shared.serverCertificatePEM)
        #expect(connection.reloadCredentials())
        #expect(connection.currentTLSConfiguration()?.trustRoots == (try certificates(TestPKI.shared.serverCertificatePEM)))
        #expect(connection.currentTLSConfiguration()?.certificateVerification == .fullVerification)

        try directory.write("ca.crt", "-----BEGIN CERT")
        #expect(!connection.reloadCredentials())
        #expect(connection.currentTLSConfiguration()?.trustRoots == (try certificates(TestPKI.shared.serverCertificatePEM)))
    }

    @Test func aCAFileIsReReadAfterTheRefreshIntervalOnly() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("ca.crt", TestPKI.shared.caCertificatePEM)
        let clock = ManualClock()
        let file = try ClusterConnection.certificateAuthorityFile(path: path, refreshInterval: .seconds(60), now: { clock.now })
        try directory.write("ca.crt", TestPKI.shared.serverCertificatePEM)
        clock.advance(by: .seconds(59))
        #expect(NIOSSLTrustRoots.certificates(file.value) == (try certificates(TestPKI.shared.caCertificatePEM)))
        clock.advance(by: .seconds(1))
        #expect(NIOSSLTrustRoots.certificates(file.value) == (try certificates(TestPKI.shared.serverCertificatePEM)))
    }

    @Test func theEnvironmentMustNameTheService() throws {
        #expect(!InClusterConfig.isAvailable(in: ["KUBERNETES_SERVICE_HOST": "10.96.0.1"]))
        #expect(InClusterConfig.isAvailable(in: environment))
        let directory = try serviceAccount()
        #expect(throws: ClusterConnectionError(field: "KUBERNETES_SERVICE_PORT", message: "\"https\" is not a TCP port number")) {
            try InClusterConfig.connection(
                environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "https"],
                serviceAccountDirectory: directory.path
            )
        }
    }
}
