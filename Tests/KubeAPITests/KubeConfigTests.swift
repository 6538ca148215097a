import Glibc
import NIOSSL
import Testing
@testable import KubeAPI

/// A kubeconfig with one cluster, one user and one context, with the user's and the
/// cluster's fields given as YAML lines.
func kubeconfigText(
    server: String = "https://10.0.0.1:6443",
    cluster: [String] = [],
    user: [String] = [],
    currentContext: String? = "main",
    namespace: String? = nil
) -> String {
    var lines = [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: prod",
        "  cluster:",
        "    server: \(server)",
    ]
    lines += cluster.map { "    \($0)" }
    lines += ["users:", "- name: agent", "  user:"]
    lines += user.isEmpty ? ["    {}"] : user.map { "    \($0)" }
    lines += ["contexts:", "- name: main", "  context:", "    cluster: prod", "    user: agent"]
    if let namespace { lines.append("    namespace: \(namespace)") }
    if let currentContext { lines.append("current-context: \(currentContext)") }
    return lines.joined(separator: "\n") + "\n"
}

struct KubeConfigTests {
    let pki = TestPKI.shared

    func load(_ text: String, context: String? = nil, in directory: TemporaryDirectory? = nil) throws -> ClusterConnection {
        let directory = try directory ?? TemporaryDirectory()
        let path = try directory.write("kube/config", text)
        return try ClusterConnection.fromKubeConfig(paths: [path], context: context)
    }

    func loadError(_ text: String, context: String? = nil, in directory: TemporaryDirectory? = nil) throws -> ClusterConnectionError {
        do {
            let connection = try load(text, context: context, in: directory)
            Issue.record("expected an error, got a connection to \(connection.server)")
            return ClusterConnectionError(message: "")
        } catch let error as ClusterConnectionError {
            return error
        }
    }

    @Test func httpsClusterWithInlineCAAndTokenAndNamespace() throws {
        let text = kubeconfigText(
            server: "https://api.example.com:6443/",
            cluster: ["certificate-authority-data: \(pki.caCertificatePEM.base64)"],
            user: ["token: abc123"],
            namespace: "kube-system"
        )
        let connection = try load(text)
        #expect(connection.server == "https://api.example.com:6443")
        #expect(connection.isSecure)
        #expect(connection.tokenSource?.token() == "abc123")
        #expect(connection.tokenSource?.origin == .inline)
        #expect(connection.namespace == "kube-system")
        #expect(connection.origin.hasSuffix("context main"))
        let expected = try NIOSSLCertificate.fromPEMBytes(Array(pki.caCertificatePEM.utf8))
        #expect(connection.tlsConfiguration?.trustRoots == .certificates(expected))
        #expect(connection.tlsConfiguration?.certificateVerification == .fullVerification)
        #expect(connection.tlsConfiguration?.certificateChain.isEmpty == true)
    }

    @Test func aServerPathPrefixIsKept() throws {
        let connection = try load(kubeconfigText(server: "https://proxy.example.com/k8s/clusters/c-1/"))
        #expect(connection.server == "https://proxy.example.com/k8s/clusters/c-1")
    }

    @Test func relativeFilesResolveAgainstTheKubeconfigDirectory() throws {
        let directory = try TemporaryDirectory()
        try directory.write("kube/pki/ca.crt", pki.caCertificatePEM)
        try directory.write("kube/pki/client.crt", pki.clientCertificatePEM)
        try directory.write("kube/pki/client.key", pki.clientKeyPEM)
        try directory.write("kube/token", "from-file\n")
        let text = kubeconfigText(
            cluster: ["certificate-authority: pki/ca.crt"],
            user: ["client-certificate: pki/client.crt", "client-key: pki/client.key", "tokenFile: token"]
        )
        let connection = try load(text, in: directory)
        let authority = try NIOSSLCertificate.fromPEMBytes(Array(pki.caCertificatePEM.utf8))
        #expect(connection.tlsConfiguration?.trustRoots == .certificates(authority))
        let client = try NIOSSLCertificate.fromPEMBytes(Array(pki.clientCertificatePEM.utf8))
        #expect(connection.tlsConfiguration?.certificateChain == client.map { .certificate($0) })
        #expect(connection.tlsConfiguration?.privateKey != nil)
        #expect(connection.tokenSource?.token() == "from-file")
        #expect(connection.tokenSource?.origin == .file(path: "\(directory.path)/kube/token", refreshInterval: .seconds(60)))
    }

    @Test func inlineClientCertificateAndKey() throws {
        let text = kubeconfigText(user: [
            "client-certificate-data: \(pki.clientCertificatePEM.base64)",
            "client-key-data: \(pki.clientKeyPEM.base64)",
        ])
        let connection = try load(text)
        #expect(connection.tlsConfiguration?.certificateChain.count == 1)
        #expect(connection.tlsConfiguration?.privateKey != nil)
        #expect(connection.tokenSource == nil)
    }

    @Test func aTokenFileTakesPrecedenceOverAnInlineToken() throws {
        let directory = try TemporaryDirectory()
        try directory.write("kube/token", "file-token")
        let connection = try load(kubeconfigText(user: ["token: inline-token", "tokenFile: token"]), in: directory)
        #expect(connection.tokenSource?.token() == "file-token")
    }

    @Test func insecureSkipTLSVerifyOnlyWhenSet() throws {
        let insecure = try load(kubeconfigText(cluster: ["insecure-skip-tls-verify: true"]))
        #expect(insecure.tlsConfiguration?.certificateVerification == CertificateVerification.none)
        let explicitFalse = try load(kubeconfigText(cluster: ["insecure-skip-tls-verify: false"]))
        #expect(explicitFalse.tlsConfiguration?.certificateVerification == .fullVerification)
        let unset = try load(kubeconfigText())
        #expect(unset.tlsConfiguration?.certificateVerification == .fullVerification)
        #expect(unset.tlsConfiguration?.trustRoots == .default)  // the system's roots
    }

    @Test func anHttpServerGetsNoCredentials() throws {
        let connection = try load(kubeconfigText(
            server: "http://127.0.0.1:8080",
            user: ["token: secret", "client-certificate-data: \(pki.clientCertificatePEM.base64)"]
        ))
        #expect(connection.server == "http://127.0.0.1:8080")
        #expect(!connection.isSecure)
        #expect(connection.tlsConfiguration == nil)
        #expect(connection.tokenSource == nil)
    }

    @Test func anExplicitContextOverridesTheCurrentOne() throws {
        let text = """
            current-context: main
            clusters:
            - name: prod
              cluster: {server: "https://10.0.0.1:6443"}
            users:
            - name: agent
              user: {token: main-token}
            contexts:
            - name: main
              context: {cluster: prod, user: agent}
            - name: other
              context: {cluster: prod, namespace: other-ns}
            """
        let current = try load(text)
        #expect(current.tokenSource?.token() == "main-token")
        let other = try load(text, context: "other")
        #expect(other.namespace == "other-ns")
        #expect(other.tokenSource == nil)  // the other context names no user
        #expect(other.origin.hasSuffix("context other"))
    }

    @Test func execPluginsAreRejectedWithAClearMessage() throws {
        let text = kubeconfigText(user: ["exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: aws"])
        let error = try loadError(text)
        #expect(error.message == "exec credential plugins are not supported: use a token, tokenFile or client certificate")
        #expect(error.field == "users[name=agent].user.exec")
        #expect(error.file?.hasSuffix("kube/config") == true)
        #expect(error.position == "10:5")
        #expect(error.description.contains("kube/config:10:5: users[name=agent].user.exec: exec credential plugins are not supported"))
    }

    @Test(arguments: [
        ("auth-provider:\n      name: gcp", "auth-provider plugins are not supported"),
        ("username: admin", "basic authentication is not supported"),
    ])
    func otherUnsupportedAuthenticationIsRejected(_ field: String, _ message: String) throws {
        let error = try loadError(kubeconfigText(user: [field]))
        #expect(error.message.hasPrefix(message))
    }

    @Test func aCAWithInsecureSkipIsRefused() throws {
        let error = try loadError(kubeconfigText(cluster: [
            "certificate-authority-data: \(pki.caCertificatePEM.base64)", "insecure-skip-tls-verify: true",
        ]))
        #expect(error.field == "clusters[name=prod].cluster.certificate-authority-data")
        #expect(error.message.contains("insecure-skip-tls-verify"))
    }

    @Test func badCertificateMaterialNamesTheField() throws {
        let notBase64 = try loadError(kubeconfigText(cluster: ["certificate-authority-data: '%%% not base64'"]))
        #expect(notBase64.field == "clusters[name=prod].cluster.certificate-authority-data")
        #expect(notBase64.position == "7:5")
        #expect(notBase64.message.hasPrefix("not valid base64"))

        let notPEM = try loadError(kubeconfigText(cluster: ["certificate-authority-data: \("hello".base64)"]))
        #expect(notPEM.message.contains("holds no PEM certificate"))

        let badKey = try loadError(kubeconfigText(user: [
            "client-certificate-data: \(pki.clientCertificatePEM.base64)", "client-key-data: \("junk".base64)",
        ]))
        #expect(badKey.field == "users[name=agent].user.client-key-data")
        #expect(badKey.message.contains("holds no PEM private key"))

        let directory = try TemporaryDirectory()
        let missing = try loadError(kubeconfigText(cluster: ["certificate-authority: ca.crt"]), in: directory)
        #expect(missing.field == "clusters[name=prod].cluster.certificate-authority")
        #expect(missing.message == "cannot read \(directory.path)/kube/ca.crt: No such file or directory")
    }

    @Test func aClientCertificateNeedsItsKeyAndViceVersa() throws {
        let noKey = try loadError(kubeconfigText(user: ["client-certificate-data: \(pki.clientCertificatePEM.base64)"]))
        #expect(noKey.field == "users[name=agent].user.client-certificate-data")
        #expect(noKey.message.hasPrefix("client-key or client-key-data is missing"))
        let noCertificate = try loadError(kubeconfigText(user: ["client-key-data: \(pki.clientKeyPEM.base64)"]))
        #expect(noCertificate.field == "users[name=agent].user.client-key-data")
        #expect(noCertificate.message.hasPrefix("client-certificate or client-certificate-data is missing"))
    }

    @Test func aMissingTokenFileIsAnError() throws {
        let error = try loadError(kubeconfigText(user: ["tokenFile: /nonexistent/token"]))
        #expect(error.field == "users[name=agent].user.tokenFile")
        #expect(error.message.contains("/nonexistent/token: cannot read the bearer token: No such file or directory"))
    }

    /// A mistaken --kubeconfig (a huge log, a device) is refused, not read into memory.
    @Test func aKubeconfigOverSixteenMebibytesIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", "")
        #expect(truncate(path, 16 * 1024 * 1024 + 1) == 0)  // sparse: no 16 MiB written to disk
        #expect(throws: ClusterConnectionError(file: path, message: "cannot read the kubeconfig: larger than 16777216 bytes")) {
            try ClusterConnection.fromKubeConfig(paths: [path], context: nil)
        }
    }

    @Test func contextSelectionErrorsListWhatExists() throws {
        let noCurrent = try loadError(kubeconfigText(currentContext: nil))
        #expect(noCurrent.message == "no current-context is set: pass --context NAME (contexts: main)")
        let unknown = try loadError(kubeconfigText(), context: "staging")
        #expect(unknown.message == "context \"staging\" is not defined (contexts: main)")

        let unknownCluster = try loadError(kubeconfigText().replacingOccurrences(of: "cluster: prod", with: "cluster: dev"))
        #expect(unknownCluster.field == "contexts[name=main].context.cluster")
        #expect(unknownCluster.message == "cluster \"dev\" is not defined (clusters: prod)")
        let unknownUser = try loadError(kubeconfigText().replacingOccurrences(of: "user: agent", with: "user: root"))
        #expect(unknownUser.field == "contexts[name=main].context.user")
        #expect(unknownUser.message == "user \"root\" is not defined (users: agent)")
    }

    @Test(arguments: ["ftp://10.0.0.1", "10.0.0.1:6443", "https://"])
    func aServerMustBeAnHttpOrHttpsURL(_ server: String) throws {
        let error = try loadError(kubeconfigText(server: server))
        #expect(error.field == "clusters[name=prod].cluster.server")
        #expect(error.message.contains("is not an http:// or https:// URL with a host"))
    }

    @Test func aMissingServerIsNamed() throws {
        let error = try loadError(kubeconfigText().replacingOccurrences(of: "    server: https://10.0.0.1:6443\n", with: "    foo: bar\n"))
        #expect(error.field == "clusters[name=prod].cluster.server")
        #expect(error.message.hasPrefix("missing:"))
    }

    @Test func structuralErrorsNameTheFieldAndPosition() throws {
        let notAList = try loadError("clusters: prod\ncurrent-context: main\n")
        #expect(notAList.field == "clusters")
        #expect(notAList.position == "1:1")
        #expect(notAList.message == "expected a list, found a scalar")

        let noName = try loadError("clusters:\n- cluster:\n    server: https://a\n")
        #expect(noName.field == "clusters[0].name")

        let badBool = try loadError(kubeconfigText(cluster: ["insecure-skip-tls-verify: sometimes"]))
        #expect(badBool.message == "expected true or false, found \"sometimes\"")

        let badYAML = try loadError("clusters: [\n")
        #expect(badYAML.message.hasPrefix("not valid YAML"))
        #expect(badYAML.file?.hasSuffix("kube/config") == true)
    }

    /// A kubeconfig's lines carry tokens: a YAML error names the place and the kind of mistake,
    /// never the text.
    @Test(arguments: [
        ("a duplicated key", ["token: s3cr3t-t0ken-one", "token: s3cr3t-t0ken-two"], "duplicate keys \"token\" in one mapping"),
        ("a colon inside a plain scalar", ["token: s3cr3t: t0ken"], "mapping values are not allowed in this context"),
        ("a control character", ["token: s3cr3t\u{07}t0ken"], "control characters are not allowed"),
        ("an unclosed quote", ["token: \"s3cr3t-t0ken"], "found unexpected end of stream"),
    ])
    func yamlErrorsNeverQuoteTheLine(_ what: String, user: [String], kind: String) throws {
        let error = try loadError(kubeconfigText(user: user))
        #expect(error.message.hasPrefix("not valid YAML: "), "\(error)")
        #expect(error.message.contains(kind), "\(error)")
        #expect(error.position != nil, "\(error)")
        #expect(!error.description.contains("s3cr3t"), "\(error)")
        #expect(!error.description.contains("t0ken"), "\(error)")
    }

    @Test func unsupportedClusterFieldsAreRefusedRatherThanIgnored() throws {
        let error = try loadError(kubeconfigText(cluster: ["proxy-url: http://proxy:3128"]))
        #expect(error.field == "clusters[name=prod].cluster.proxy-url")
    }

    @Test func aKubeconfigListMergesFirstWins() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("a", """
            current-context: main
            contexts:
            - name: main
              context: {cluster: prod, user: agent}
            users:
            - name: agent
              user: {token: first-token}
            """)
        let second = try directory.write("b", """
            current-context: ignored
            clusters:
            - name: prod
              cluster: {server: "https://second.example.com"}
            users:
            - name: agent
              user: {token: second-token}
            """)
        let missing = "\(directory.path)/missing"
        let connection = try ClusterConnection.resolve(
            kubeconfig: nil, context: nil, environment: ["KUBECONFIG": "\(first):\(missing):\(second)"]
        )
        #expect(connection.server == "https://second.example.com")
        #expect(connection.tokenSource?.token() == "first-token")

        #expect(throws: ClusterConnectionError(
            message: "none of the kubeconfig files in KUBECONFIG exists: \(missing):\(missing)2"
        )) {
            try ClusterConnection.resolve(kubeconfig: nil, context: nil, environment: ["KUBECONFIG": "\(missing):\(missing)2"])
        }
    }

    @Test func resolveChoosesFlagThenKUBECONFIGThenInCluster() throws {
        let directory = try TemporaryDirectory()
        let flagFile = try directory.write("flag", kubeconfigText(server: "https://flag.example.com"))
        let envFile = try directory.write("env", kubeconfigText(server: "https://env.example.com"))
        try directory.write("sa/token", "sa-token")
        try directory.write("sa/ca.crt", pki.caCertificatePEM)
        let environment = [
            "KUBECONFIG": envFile, "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443",
        ]
        let sa = "\(directory.path)/sa"
        #expect(try ClusterConnection.resolve(kubeconfig: flagFile, context: nil, environment: environment, serviceAccountDirectory: sa).server == "https://flag.example.com")
        #expect(try ClusterConnection.resolve(kubeconfig: nil, context: nil, environment: environment, serviceAccountDirectory: sa).server == "https://env.example.com")
        var inCluster = environment
        inCluster["KUBECONFIG"] = nil
        #expect(try ClusterConnection.resolve(kubeconfig: nil, context: nil, environment: inCluster, serviceAccountDirectory: sa).server == "https://10.96.0.1:443")

        #expect(throws: ClusterConnectionError.self) {
            try ClusterConnection.resolve(kubeconfig: "\(directory.path)/nope", context: nil, environment: environment)
        }
        do {
            _ = try ClusterConnection.resolve(kubeconfig: nil, context: nil, environment: [:])
            Issue.record("expected an error without any source")
        } catch {
            #expect(error.description.hasPrefix("no cluster to talk to: pass --kubeconfig, set KUBECONFIG, or run in a pod"))
        }
    }
}
