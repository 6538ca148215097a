#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// What happened, for an Event.
public struct EventReport: Sendable, Equatable {
    public enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    public var type: EventType
    /// Why, in UpperCamelCase: `InvalidConfig`, `Applied`, `WriteFailed`.
    public var reason: String
    /// What the agent did or failed to do: `Validate`, `Apply`, `Write`.
    public var action: String
    /// Human-readable detail; cut to 1 KB, the API's limit.
    public var note: String
    /// The object the Event is about, usually `ObjectReference.configMap(object)`.
    public var regarding: ObjectReference
    /// For a finding every node reaches alike: the Event's name, which every reporter derives
    /// the same way (from the ConfigMap's version). The first post creates the Event; the
    /// others are answered 409 AlreadyExists and leave it be, so the cluster holds one Event
    /// per finding and version, not one per node. nil: this node's own Event, uniquely named.
    public var sharedName: String?

    public init(type: EventType, reason: String, action: String, note: String, regarding: ObjectReference, sharedName: String? = nil) {
        self.type = type
        self.reason = reason
        self.action = action
        self.note = note
        self.regarding = regarding
        self.sharedName = sharedName
    }
}

/// Posts `events.k8s.io/v1` Events about the ConfigMap, related to this node, under the
/// local `EventRateLimiter`. A failed post is logged and returned, never thrown: an
/// Event is a report, not part of the agent's job.
public final class EventRecorder: Sendable {
    public static let reportingController = "eni-config-agent"
    /// The API's limit on `note`, in bytes.
    public static let maximumNoteBytes = 1024

    public enum Outcome: Sendable, Equatable {
        case posted(name: String)
        /// A shared Event another node has already posted.
        case alreadyReported(name: String)
        case suppressedDuplicate
        case suppressedRateLimit
        case failed(KubeAPIError)
    }

    private let client: KubeClient
    private let nodeName: String
    private let limiter: Mutex<EventRateLimiter>
    private let logger: Logger
    private let now: @Sendable () -> ContinuousClock.Instant
    private let microsecondsSince1970: @Sendable () -> Int64

    public init(
        client: KubeClient,
        nodeName: String,
        limits: EventRateLimiter.Configuration = .init(),
        logger: Logger = Logger(label: "eni-config-agent.events"),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        microsecondsSince1970: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()) }
    ) {
        self.client = client
        self.nodeName = nodeName
        limiter = Mutex(EventRateLimiter(configuration: limits))
        self.logger = logger
        self.now = now
        self.microsecondsSince1970 = microsecondsSince1970
    }

    @discardableResult
    public func record(_ report: EventReport) async -> Outcome {
        let note = Self.truncated(report.note)
        let decision = limiter.withLock { $0.admit(reason: report.reason, note: note, now: now()) }
        switch decision {
        case .duplicate:
            logger.debug("Event not posted: the same one went out recently", metadata: ["reason": "\(report.reason)"])
            return .suppressedDuplicate
        case .rateLimited:
            logger.notice("Event not posted: local rate limit", metadata: ["reason": "\(report.reason)"])
            return .suppressedRateLimit
        case .post:
            break
        }
        let event = makeEvent(report, note: note)
        do {
            try await client.createEvent(event)
            logger.debug("Event posted", metadata: ["name": "\(event.metadata.name)", "reason": "\(report.reason)"])
            return .posted(name: event.metadata.name)
        } catch let error as KubeAPIError where error.statusCode == 409 && report.sharedName != nil {
            logger.debug("Event already posted by another node", metadata: ["name": "\(event.metadata.name)", "reason": "\(report.reason)"])
            return .alreadyReported(name: event.metadata.name)
        } catch {
            limiter.withLock { $0.forget(reason: report.reason, note: note) }
            let failure = error as? KubeAPIError ?? .connection("\(error)")
            logger.warning("could not post an Event: \(failure)", metadata: ["reason": "\(report.reason)"])
            return .failed(failure)
        }
    }

    func makeEvent(_ report: EventReport, note: String) -> EventsV1Event {
        let microseconds = microsecondsSince1970()
        // client-go names Events <object>.<hex nanoseconds>; a random suffix keeps two
        // nodes reporting in the same microsecond apart.
        let suffix = String(UInt16.random(in: .min ... .max), radix: 16)
        let name = report.sharedName ?? "\(report.regarding.name).\(String(microseconds * 1000, radix: 16))\(suffix)"
        return EventsV1Event(
            // Events about cluster-scoped objects go to "default", as client-go puts them.
            metadata: .init(name: name, namespace: report.regarding.namespace ?? "default"),
            eventTime: MicroTime.format(microsecondsSince1970: microseconds),
            reportingController: Self.reportingController,
            reportingInstance: nodeName,
            action: report.action,
            reason: report.reason,
            type: report.type.rawValue,
            note: note,
            regarding: report.regarding,
            related: .node(nodeName)
        )
    }

    /// `note` cut to the API's 1 KB at a character boundary, marked with "…" when cut.
    static func truncated(_ note: String) -> String {
        guard note.utf8.count > maximumNoteBytes else { return note }
        let marker = "…"
        let budget = maximumNoteBytes - marker.utf8.count
        var bytes = 0
        var end = note.startIndex
        for index in note.indices {
            let size = note[index].utf8.count
            if bytes + size > budget { break }
            bytes += size
            end = note.index(after: index)
        }
        return String(note[..<end]) + marker
    }
}
