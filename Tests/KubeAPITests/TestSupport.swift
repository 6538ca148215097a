import Foundation
@testable import KubeAPI

/// A generator that always returns the same word, so jittered delays and random
/// timeouts are exact in tests: `lowest` draws the low end of every range, `.max` the
/// high end. (0 would not do: the standard library's unbiased integer draw rejects it
/// forever, and a double is drawn from the low 53 bits.)
struct FixedRandom: RandomNumberGenerator {
    static let lowest: UInt64 = 1 << 53

    var value: UInt64
    mutating func next() -> UInt64 { value }
}

func configMap(
    _ resourceVersion: String, data: [String: String] = ["10-terway.conflist": "{}"], name: String = "eni-config"
) -> ConfigMapObject {
    ConfigMapObject(
        namespace: "kube-system", name: name, uid: "uid-1", resourceVersion: resourceVersion, data: data
    )
}

func httpError(_ code: Int, reason: String? = nil, message: String? = nil, retryAfter: Duration? = nil) -> KubeAPIError {
    .status(HTTPFailure(
        request: "GET /api/v1/namespaces/kube-system/configmaps", code: code,
        status: KubeStatus(code: code, reason: reason, message: message), retryAfter: retryAfter
    ))
}

/// A scratch directory removed when the value is dropped.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "kubeapi-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        let directory = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: "\(path)/\(name)")
    }
}

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = ContinuousClock.now

    var now: ContinuousClock.Instant {
        lock.withLock { current }
    }

    func advance(by duration: Duration) {
        lock.withLock { current = current.advanced(by: duration) }
    }
}
