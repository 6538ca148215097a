import SystemFiles

/// Tokens, certificates and kubeconfigs, read whole with the system's own reason on failure.
enum CredentialFile {
    /// Refuses files larger than this: none of ours comes close, and a mistaken path
    /// (a device, a huge log) must not be read into memory.
    static let maximumSize = 16 * 1024 * 1024

    static func read(_ path: String) throws(FileReadError) -> [UInt8] {
        try WholeFile.read(path, sizeLimit: maximumSize)
    }
}
