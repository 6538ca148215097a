import KubeSandbox
import KubectlSupport

extension Kubectl {
    /// kubectl with the sandbox's kubeconfig (or the given text).
    init(for sandbox: Sandbox, kubeconfigYAML: String? = nil) throws {
        try self.init(kubeconfigYAML: kubeconfigYAML ?? sandbox.kubeconfigYAML())
    }
}
