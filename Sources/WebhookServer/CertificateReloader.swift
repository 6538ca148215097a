import FoundationEssentials
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Serves the certificate files' current pair: every TLS handshake asks it for the chain and
/// key, and a poll re-reads the files and swaps in a new pair once both files hold one. So a
/// rotated Secret (the kubelet updates its volume within a minute or two) is served without a
/// restart and without dropping connections.
///
/// Polling, not inotify: a Secret volume changes by swapping a `..data` symbolic link, which a
/// watch on the files themselves does not see; two small reads every few seconds cost nothing.
final class CertificateReloader: Service, Sendable {
    let certificateFile: String
    let privateKeyFile: String
    let interval: Duration
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var current: ServingCertificate
        /// The last failed pair's error, so a lasting failure is logged once, not every poll.
        var lastFailure: ServingCertificateError?
    }

    init(initial: ServingCertificate, certificateFile: String, privateKeyFile: String, interval: Duration, logger: Logger) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.interval = interval
        self.logger = logger
        state = Mutex(State(current: initial))
    }

    /// Waits until the files hold a valid pair (a Secret volume is empty until the Secret has
    /// data), logging why not on the first try and then once a minute.
    static func waitForFiles(certificateFile: String, privateKeyFile: String, interval: Duration, logger: Logger) async throws -> ServingCertificate {
        var lastLogged: ContinuousClock.Instant?
        while true {
            do {
                return try ServingCertificate.load(certificateFile: certificateFile, privateKeyFile: privateKeyFile)
            } catch {
                if lastLogged.map({ ContinuousClock.now - $0 >= .seconds(60) }) ?? true {
                    logger.warning("waiting for the TLS certificate files", metadata: ["reason": "\(error)"])
                    lastLogged = .now
                }
            }
            try await Task.sleep(for: interval)
        }
    }

    /// What each TLS handshake serves.
    var contextCallback: NIOSSLContextCallback {
        { [self] _, promise in
            promise.succeed(current.contextOverride)
        }
    }

    var current: ServingCertificate { state.withLock { $0.current } }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: self.interval)
                } catch {
                    return
                }
                self.reloadIfChanged()
            }
        }
    }

    enum Outcome: Equatable {
        case unchanged
        case reloaded
        case kept(ServingCertificateError)
    }

    /// Reads both files; swaps in their pair if it differs from the one served and is valid.
    @discardableResult
    func reloadIfChanged() -> Outcome {
        let loaded: ServingCertificate
        do {
            loaded = try ServingCertificate.load(certificateFile: certificateFile, privateKeyFile: privateKeyFile)
        } catch {
            let isNew = state.withLock { state in
                defer { state.lastFailure = error }
                return state.lastFailure != error
            }
            if isNew {
                logger.warning("the TLS certificate files cannot be loaded; serving the previous pair", metadata: ["reason": "\(error)"])
            }
            return .kept(error)
        }
        let changed = state.withLock { state in
            state.lastFailure = nil
            guard state.current.fileContents != loaded.fileContents else { return false }
            state.current = loaded
            return true
        }
        guard changed else { return .unchanged }
        logger.notice("serving a new TLS certificate", metadata: ["notAfter": "\(loaded.notValidAfter.formatted(.iso8601))"])
        return .reloaded
    }
}
