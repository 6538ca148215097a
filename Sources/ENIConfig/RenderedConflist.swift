import Crypto

/// The node file's exact bytes and their SHA-256, the version identity used everywhere
/// (status, metrics, Events, the last-good store).
public struct RenderedConflist: Sendable, Hashable {
    public let bytes: [UInt8]
    /// Lower-case hex SHA-256 of `bytes`.
    public let sha256: String
    /// The chain's plugin types in order (`["terway", "portmap"]`): each names a binary in the CNI bin directory.
    public let pluginTypes: [String]

    public init(bytes: [UInt8], pluginTypes: [String]) {
        self.bytes = bytes
        self.sha256 = SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        self.pluginTypes = pluginTypes
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
