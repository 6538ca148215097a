import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under /tmp, removed with everything in it when the value goes away.
public final class TemporaryDirectory {
    public let path: String

    public init() {
        var template = Array((URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("eni-test-XXXXXX").path).utf8CString)
        guard let created = mkdtemp(&template) else { fatalError("mkdtemp failed: \(String(cString: strerror(errno)))") }
        path = String(cString: created)
        // Traversable by everyone, so a child process or thread acting as uid 65534 can reach inside.
        chmod(path, 0o755)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    public func child(_ name: String) -> String { path + "/" + name }

    /// Creates `name` holding `bytes`, with `mode` when given (else 0666 less the umask).
    @discardableResult
    public func write(_ bytes: [UInt8], to name: String, mode: Int? = nil) -> String {
        let file = child(name)
        let attributes = mode.map { [FileAttributeKey.posixPermissions: $0] }
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes), attributes: attributes) else {
            fatalError("cannot create \(file)")
        }
        return file
    }
}
