/// `directory/name`, without doubling a trailing slash the operator gave (`--cni-dir ./net.d/`).
func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
