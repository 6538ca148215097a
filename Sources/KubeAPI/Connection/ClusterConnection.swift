import NIOSSL

/// Everything needed to talk to one API server: where it is, how to trust it, and who
/// we are. Built from a kubeconfig or from the pod's service account; the `KubeClient`
/// turns it into requests.
///
/// Credentials travel only over TLS, as with client-go: for an `http://` server
/// `tokenSource` and the client certificate are always nil.
public struct ClusterConnection: Sendable {
    /// The API server's base URL without a trailing slash, e.g. `https://10.96.0.1:443`
    /// (a path prefix, as behind some proxies, is kept).
    public let server: String
    /// How to verify the server and which client certificate to present; nil for `http://`.
    public let tlsConfiguration: TLSConfiguration?
    /// The bearer token; nil without one or for `http://`.
    public let tokenSource: TokenSource?
    /// The namespace of the kubeconfig context or the service account, if one is set.
    public let namespace: String?
    /// Where this came from, for logs: `in-cluster service account` or `kubeconfig PATH, context NAME`.
    public let origin: String
    /// The file the trust roots come from, re-read like the token: the kubelet rewrites the
    /// service account's `ca.crt` when the cluster CA rotates, and a restart must not be needed.
    /// Nil when the trust roots are inline (or the system's).
    let certificateAuthorityFile: RefreshingFile<[NIOSSLCertificate]>?

    public init(
        server: String,
        tlsConfiguration: TLSConfiguration?,
        tokenSource: TokenSource?,
        namespace: String?,
        origin: String
    ) {
        self.init(
            server: server, tlsConfiguration: tlsConfiguration, certificateAuthorityFile: nil, tokenSource: tokenSource,
            namespace: namespace, origin: origin)
    }

    init(
        server: String,
        tlsConfiguration: TLSConfiguration?,
        certificateAuthorityFile: RefreshingFile<[NIOSSLCertificate]>?,
        tokenSource: TokenSource?,
        namespace: String?,
        origin: String
    ) {
        var server = server
        while server.hasSuffix("/") { server.removeLast() }
        self.server = server
        self.tlsConfiguration = tlsConfiguration
        self.certificateAuthorityFile = certificateAuthorityFile
        self.tokenSource = tokenSource
        self.namespace = namespace
        self.origin = origin
    }

    /// Whether requests go over TLS (and so may carry credentials).
    public var isSecure: Bool { tlsConfiguration != nil }

    /// The TLS configuration for a request made now: `tlsConfiguration` trusting what the CA
    /// file holds now.
    func currentTLSConfiguration() -> TLSConfiguration? {
        guard var tls = tlsConfiguration, let certificateAuthorityFile else { return tlsConfiguration }
        tls.trustRoots = .certificates(certificateAuthorityFile.value)
        return tls
    }

    /// Re-reads the token file and the CA file at once. Returns whether either changed.
    @discardableResult
    func reloadCredentials() -> Bool {
        let token = tokenSource?.reload() ?? false
        let authority = certificateAuthorityFile?.reload() ?? false
        return token || authority
    }

    /// A CA file (PEM, one or more certificates) read now and re-read every `refreshInterval`.
    static func certificateAuthorityFile(
        path: String, refreshInterval: Duration = .seconds(60),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) throws(RefreshingFile<[NIOSSLCertificate]>.ReadProblem) -> RefreshingFile<[NIOSSLCertificate]> {
        try RefreshingFile(path: path, refreshInterval: refreshInterval, what: "CA certificates", now: now) { bytes in
            guard let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes), !certificates.isEmpty else {
                return .failure(.init(message: "holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)"))
            }
            return .success(certificates)
        }
    }

    /// The connection the agent uses, chosen the way its command line documents:
    /// an explicit `--kubeconfig`, else the `KUBECONFIG` list, else the in-cluster
    /// service account. Throws when none applies or the chosen source is broken.
    ///
    /// - Parameters:
    ///   - kubeconfig: the `--kubeconfig` path, if given.
    ///   - context: the `--context` name, if given; otherwise the kubeconfig's `current-context`.
    ///   - environment: the process environment (`KUBECONFIG`, `KUBERNETES_SERVICE_HOST`/`_PORT`).
    ///   - serviceAccountDirectory: where the pod's token, CA and namespace are mounted.
    public static func resolve(
        kubeconfig: String?,
        context: String?,
        environment: [String: String],
        serviceAccountDirectory: String = InClusterConfig.serviceAccountDirectory
    ) throws(ClusterConnectionError) -> ClusterConnection {
        if let kubeconfig, !kubeconfig.isEmpty {
            return try fromKubeConfig(paths: [kubeconfig], context: context, skipMissing: false)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init)
            return try fromKubeConfig(paths: paths, context: context, skipMissing: true)
        }
        if InClusterConfig.isAvailable(in: environment) {
            return try InClusterConfig.connection(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        }
        throw ClusterConnectionError(
            message: "no cluster to talk to: pass --kubeconfig, set KUBECONFIG, or run in a pod "
                + "(KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)"
        )
    }

    /// The connection of `context` (or the current context) in the merged `paths`.
    public static func fromKubeConfig(
        paths: [String], context: String?, skipMissing: Bool = false
    ) throws(ClusterConnectionError) -> ClusterConnection {
        let config = try KubeConfig.load(paths: paths, skipMissing: skipMissing)
        return try KubeConfigContext(config: config, context: context).connection()
    }
}
