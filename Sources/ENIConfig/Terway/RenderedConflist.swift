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
        self.sha256 = ContentHash.sha256Hex(bytes)
        self.pluginTypes = pluginTypes
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public var chainDescription: String { describeChain(pluginTypes) }
}

/// The chain for one log line: `terway → portmap`; a long chain is cut after five plugins
/// with its length, so a 1,000-plugin ConfigMap does not flood a terminal or an Event.
public func describeChain(_ pluginTypes: [String]) -> String {
    let shown = pluginTypes.prefix(5).joined(separator: " → ")
    return pluginTypes.count > 5 ? "\(shown) → … (\(pluginTypes.count) plugins)" : shown
}

/// The hash that identifies a node file's content, so a file found on disk and a render compare by it.
public enum ContentHash {
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
