import Foundation

/// A kubeconfig naming the sandbox as its current context, for `kubectl --kubeconfig` and the agent.
struct Kubeconfig {
    static let contextName = "eni-config-sandbox"

    var server: String
    var certificateAuthorityPEM: String?
    var token: String?
    /// Written instead of the token, so a test can rotate the token by rewriting the file.
    var tokenFile: String?

    var yaml: String {
        var cluster = ["    server: \(quoted(server))"]
        if let certificateAuthorityPEM {
            cluster.insert("    certificate-authority-data: \(Data(certificateAuthorityPEM.utf8).base64EncodedString())", at: 0)
        }
        var user: [String] = []
        if let tokenFile {
            user.append("    tokenFile: \(quoted(tokenFile))")
        } else if let token {
            user.append("    token: \(quoted(token))")
        }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: \(Self.contextName)
              cluster:
            \(cluster.joined(separator: "\n"))
            contexts:
            - name: \(Self.contextName)
              context:
                cluster: \(Self.contextName)
                user: \(Self.contextName)
            current-context: \(Self.contextName)
            preferences: {}
            users:
            - name: \(Self.contextName)
              user:\(user.isEmpty ? " {}" : "\n" + user.joined(separator: "\n"))

            """
    }

    /// A YAML double-quoted scalar: safe for any path or token.
    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
