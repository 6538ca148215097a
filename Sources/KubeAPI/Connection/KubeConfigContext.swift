#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOSSL

/// One context of a kubeconfig resolved into a `ClusterConnection`: its cluster
/// (server, CA, insecure flag) and, for https servers only, its user's credentials.
struct KubeConfigContext {
    let config: KubeConfig
    let contextName: String
    let context: YAMLMap

    init(config: KubeConfig, context explicit: String?) throws(ClusterConnectionError) {
        self.config = config
        let files = config.files.joined(separator: ":")
        guard let name = explicit ?? config.currentContext else {
            throw ClusterConnectionError(
                file: files, message: "no current-context is set: pass --context NAME (contexts: \(Self.names(config.contexts)))"
            )
        }
        guard let entry = config.contexts[name] else {
            throw ClusterConnectionError(
                file: files, message: "context \"\(name)\" is not defined (contexts: \(Self.names(config.contexts)))"
            )
        }
        guard let body = try entry.item.map("context") else {
            throw entry.item.error(at: "context", "missing: a context needs a cluster and usually a user")
        }
        contextName = name
        context = body
    }

    func connection() throws(ClusterConnectionError) -> ClusterConnection {
        let clusterName = try context.requiredString("cluster", "name the entry of clusters[] this context uses")
        guard let clusterEntry = config.clusters[clusterName] else {
            throw context.error(at: "cluster", "cluster \"\(clusterName)\" is not defined (clusters: \(Self.names(config.clusters)))")
        }
        guard let cluster = try clusterEntry.item.map("cluster") else {
            throw clusterEntry.item.error(at: "cluster", "missing: a cluster needs at least a server")
        }
        let server = try Self.server(of: cluster)
        let origin = "kubeconfig \(config.files.joined(separator: ":")), context \(contextName)"
        let namespace = try context.string("namespace").flatMap { $0.isEmpty ? nil : $0 }

        guard server.hasPrefix("https://") else {
            // Like client-go: a plain-http server never receives the user's credentials.
            return ClusterConnection(server: server, tlsConfiguration: nil, tokenSource: nil, namespace: namespace, origin: origin)
        }
        var (tls, certificateAuthorityFile) = try Self.serverTrust(of: cluster)
        var tokenSource: TokenSource?
        if let userName = try context.string("user"), !userName.isEmpty {
            guard let userEntry = config.users[userName] else {
                throw context.error(at: "user", "user \"\(userName)\" is not defined (users: \(Self.names(config.users)))")
            }
            if let user = try userEntry.item.map("user") {
                tokenSource = try Self.tokenSource(of: user)
                try Self.addClientCertificate(of: user, to: &tls)
            }
        }
        return ClusterConnection(
            server: server, tlsConfiguration: tls, certificateAuthorityFile: certificateAuthorityFile, tokenSource: tokenSource,
            namespace: namespace, origin: origin)
    }

    private static func server(of cluster: YAMLMap) throws(ClusterConnectionError) -> String {
        let server = try cluster.requiredString("server", "the API server URL, e.g. https://10.0.0.1:6443")
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = url.host, !host.isEmpty
        else {
            throw cluster.error(at: "server", "\"\(server)\" is not an http:// or https:// URL with a host")
        }
        for unsupported in ["tls-server-name", "proxy-url"] where cluster.mapping[unsupported].map({ !$0.isNull }) == true {
            throw cluster.error(at: unsupported, "not supported by eni-config-agent: remove it or use a kubeconfig that reaches the server directly")
        }
        // Normalise the scheme so the https check above and in the client agree.
        return scheme + server.dropFirst(scheme.count)
    }

    /// How to verify the server, and the CA file to re-read when `certificate-authority` names one.
    private static func serverTrust(
        of cluster: YAMLMap
    ) throws(ClusterConnectionError) -> (TLSConfiguration, RefreshingFile<[NIOSSLCertificate]>?) {
        var tls = TLSConfiguration.makeClientConfiguration()
        let authority = try CredentialMaterial.load("certificate-authority", from: cluster)
        if try cluster.bool("insecure-skip-tls-verify") == true {
            if let authority {
                throw cluster.error(
                    at: authority.field,
                    "cannot be combined with insecure-skip-tls-verify: true (client-go refuses it too); remove one of them"
                )
            }
            tls.certificateVerification = .none
            return (tls, nil)
        }
        guard let authority else { return (tls, nil) }
        tls.trustRoots = .certificates(try authority.certificates())
        guard authority.isFile else { return (tls, nil) }
        do {
            return (tls, try ClusterConnection.certificateAuthorityFile(path: authority.source))
        } catch {
            throw cluster.error(at: authority.field, "\(authority.source) \(error.message)")
        }
    }

    private static func tokenSource(of user: YAMLMap) throws(ClusterConnectionError) -> TokenSource? {
        let unsupported = [
            ("exec", "exec credential plugins are not supported: use a token, tokenFile or client certificate"),
            ("auth-provider", "auth-provider plugins are not supported: use a token, tokenFile or client certificate"),
            ("username", "basic authentication is not supported: use a token, tokenFile or client certificate"),
        ]
        for (field, message) in unsupported where user.mapping[field].map({ !$0.isNull }) == true {
            throw user.error(at: field, message)
        }
        // As in client-go, a tokenFile's contents take precedence over an inline token.
        if let path = try user.string("tokenFile"), !path.isEmpty {
            let resolved = CredentialMaterial.resolve(path, relativeTo: user.file)
            do {
                return try TokenSource(file: resolved)
            } catch {
                throw user.error(at: "tokenFile", error.description)
            }
        }
        if let token = try user.string("token"), !token.isEmpty {
            return TokenSource(token: token)
        }
        return nil
    }

    private static func addClientCertificate(of user: YAMLMap, to tls: inout TLSConfiguration) throws(ClusterConnectionError) {
        let certificate = try CredentialMaterial.load("client-certificate", from: user)
        let key = try CredentialMaterial.load("client-key", from: user)
        switch (certificate, key) {
        case (nil, nil):
            return
        case (.some(let certificate), nil):
            throw user.error(at: certificate.field, "client-key or client-key-data is missing: a client certificate needs its private key")
        case (nil, .some(let key)):
            throw user.error(at: key.field, "client-certificate or client-certificate-data is missing: a private key needs its certificate")
        case (.some(let certificate), .some(let key)):
            tls.certificateChain = try certificate.certificates().map { .certificate($0) }
            tls.privateKey = .privateKey(try key.privateKey())
        }
    }

    private static func names(_ entries: [String: KubeConfig.Entry]) -> String {
        entries.isEmpty ? "none" : entries.keys.sorted().joined(separator: ", ")
    }
}
