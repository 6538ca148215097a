import NIOSSL

/// The pod's own view of the cluster: the `kubernetes` service address from the
/// environment and the service account mounted by the kubelet.
public enum InClusterConfig {
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Whether the environment names the in-cluster API service.
    public static func isAvailable(in environment: [String: String]) -> Bool {
        !(environment["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty && !(environment["KUBERNETES_SERVICE_PORT"] ?? "").isEmpty
    }

    /// The connection through the service account in `serviceAccountDirectory`
    /// (`token`, `ca.crt`, and `namespace` if present). The CA is required: the agent
    /// never falls back to an unverified connection.
    public static func connection(
        environment: [String: String],
        serviceAccountDirectory directory: String = serviceAccountDirectory
    ) throws(ClusterConnectionError) -> ClusterConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw ClusterConnectionError(
                message: "not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set"
            )
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw ClusterConnectionError(field: "KUBERNETES_SERVICE_PORT", message: "\"\(port)\" is not a TCP port number")
        }
        let hostInURL = host.contains(":") ? "[\(host)]" : host  // an IPv6 service address

        let tokenSource: TokenSource
        do {
            tokenSource = try TokenSource(file: "\(directory)/token")
        } catch {
            throw ClusterConnectionError(
                file: error.file,
                message: "\(error.message): is automountServiceAccountToken disabled for this pod?"
            )
        }

        let caPath = "\(directory)/ca.crt"
        let certificateAuthority: RefreshingFile<[NIOSSLCertificate]>
        do {
            certificateAuthority = try ClusterConnection.certificateAuthorityFile(path: caPath)
        } catch {
            throw ClusterConnectionError(
                file: caPath, message: "cannot read the service account's CA (\(error.message)); it is needed to verify the API server"
            )
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(certificateAuthority.value)

        // The namespace file is optional; the agent is told its namespace on the command line anyway.
        let namespace = (try? CredentialFile.read("\(directory)/namespace"))
            .map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }
            .flatMap { $0.isEmpty ? nil : $0 }

        return ClusterConnection(
            server: "https://\(hostInURL):\(portNumber)",
            tlsConfiguration: tls,
            certificateAuthorityFile: certificateAuthority,
            tokenSource: tokenSource,
            namespace: namespace,
            origin: "in-cluster service account \(directory)"
        )
    }
}
