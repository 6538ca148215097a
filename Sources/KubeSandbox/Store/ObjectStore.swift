import Foundation
import Synchronization

struct ObjectKey: Sendable, Hashable, Comparable {
    var storage: StorageKind
    var namespace: String
    var name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// One committed write, kept in the bounded history that watches resume from.
struct Change: Sendable {
    enum Kind: Sendable { case added, modified, deleted }

    var kind: Kind
    var resourceVersion: Int64
    var key: ObjectKey
    /// The object before the write (nil for a create).
    var previous: Document?
    /// The object after the write; for a delete, its last state stamped with the deletion's version.
    var object: Document
}

/// The in-memory etcd plus watch cache: objects in stored form, one global resource version,
/// a bounded history of changes, and the open watches fed from it. Every write commits under
/// one lock and is fanned out to watches before the lock is released, so a watch registered
/// at version N sees exactly the writes after N.
final class ObjectStore: Sendable {
    private typealias EventContinuation = AsyncThrowingStream<WatchEvent, any Error>.Continuation

    private struct Subscriber {
        var filter: WatchFilter
        var continuation: EventContinuation
        /// Still open, but fed nothing more: no changes, no bookmarks, no end at its timeout.
        var isSilenced = false
    }

    private struct State {
        var objects: [ObjectKey: Document] = [:]
        var resourceVersion: Int64 = 0
        var history: [Change] = []
        /// The newest version no longer in `history`: a watch may resume from it or later.
        var compactedThrough: Int64 = 0
        var subscribers: [Int: Subscriber] = [:]
        var nextSubscriberID = 0
        /// The watch cache's state while it lags behind (`pauseWatchCache`); nil when it is current.
        var laggingCache: CacheSnapshot?
    }

    /// What the watch cache held when it stopped catching up.
    private struct CacheSnapshot {
        var objects: [ObjectKey: Document]
        var resourceVersion: Int64
    }

    private let state = Mutex(State())
    private let historyLimit: Int

    init(historyLimit: Int) {
        self.historyLimit = max(historyLimit, 1)
    }

    var resourceVersion: Int64 {
        state.withLock { $0.resourceVersion }
    }

    var openWatchCount: Int {
        state.withLock { $0.subscribers.count }
    }

    /// The namespaces that hold at least one object (cluster-scoped objects are in none).
    func namespaces() -> Set<String> {
        state.withLock { Set($0.objects.keys.map(\.namespace).filter { !$0.isEmpty }) }
    }

    func get(_ key: ObjectKey) -> Document? {
        state.withLock { $0.objects[key] }
    }

    /// Matching objects in namespace/name order and the store's version at that instant.
    /// `fromCache` reads what the watch cache holds, which is older while it lags.
    func list(
        _ storage: StorageKind, namespace: String?, fromCache: Bool = false, where matches: (Document) -> Bool
    ) -> (items: [Document], resourceVersion: Int64) {
        state.withLock { state in
            let (objects, version) = fromCache
                ? (state.laggingCache?.objects ?? state.objects, state.laggingCache?.resourceVersion ?? state.resourceVersion)
                : (state.objects, state.resourceVersion)
            let items = objects
                .filter { key, object in key.storage == storage && (namespace == nil || key.namespace == namespace) && matches(object) }
                .sorted { $0.key < $1.key }
                .map(\.value)
            return (items, version)
        }
    }

    /// The version the watch cache has caught up to.
    var cacheResourceVersion: Int64 {
        state.withLock { $0.laggingCache?.resourceVersion ?? $0.resourceVersion }
    }

    /// Stops the watch cache where it is: reads served from it see this state until `resumeWatchCache`.
    func pauseWatchCache() {
        state.withLock { state in
            if state.laggingCache == nil {
                state.laggingCache = CacheSnapshot(objects: state.objects, resourceVersion: state.resourceVersion)
            }
        }
    }

    func resumeWatchCache() {
        state.withLock { $0.laggingCache = nil }
    }

    /// A new object's uid and creationTimestamp, set before admission sees it, as the apiserver does.
    static func stamped(_ object: Document) -> Document {
        var stamped = object
        stamped[path: ["metadata", "uid"]] = .string(UUID().uuidString.lowercased())
        stamped[path: ["metadata", "creationTimestamp"]] = .string(KubeTime.format(Date()))
        return stamped
    }

    /// Stores a new object (already `stamped`), giving it the next resourceVersion.
    func create(_ object: Document, at key: ObjectKey, commit: Bool, alreadyExists: APIError) throws(APIError) -> Document {
        try state.withLock { (state) throws(APIError) -> Document in
            guard state.objects[key] == nil else { throw alreadyExists }
            guard commit else { return object }
            return record(.added, key: key, previous: nil, object: object, in: &state)
        }
    }

    /// Read-modify-write of one object under the lock. `transform` sees the current object and
    /// returns the new one (it throws for a conflict or an invalid result). Identity fields are
    /// kept; an unchanged object keeps its version and produces no watch event, as on etcd.
    func update(
        _ key: ObjectKey, commit: Bool, notFound: APIError,
        _ transform: (Document) throws(APIError) -> Document
    ) throws(APIError) -> Document {
        try state.withLock { (state) throws(APIError) -> Document in
            guard let current = state.objects[key] else { throw notFound }
            var updated = try transform(current)
            for field in ["uid", "creationTimestamp", "resourceVersion"] {
                updated[path: ["metadata", field]] = current[path: ["metadata", field]]
            }
            guard updated != current, commit else { return updated }
            return record(.modified, key: key, previous: current, object: updated, in: &state)
        }
    }

    /// Removes an object; `precondition` may refuse (a stale resourceVersion or uid).
    func delete(
        _ key: ObjectKey, commit: Bool, notFound: APIError,
        precondition: (Document) throws(APIError) -> Void
    ) throws(APIError) -> Document {
        try state.withLock { (state) throws(APIError) -> Document in
            guard let current = state.objects[key] else { throw notFound }
            try precondition(current)
            guard commit else { return current }
            return record(.deleted, key: key, previous: current, object: current, in: &state)
        }
    }

    /// Opens a watch, or fails with 410 Expired when history no longer reaches back to the
    /// requested version (504 when the version is in the future).
    func watch(_ filter: WatchFilter, from start: WatchStart) throws(APIError) -> WatchSubscription {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: WatchEvent.self)
        let id = try state.withLock { (state) throws(APIError) -> Int in
            switch start {
            case .after(let version):
                guard version >= state.compactedThrough else {
                    throw .expired(requested: version, oldest: state.compactedThrough + 1)
                }
                guard version <= state.resourceVersion else {
                    throw .resourceVersionTooLarge(requested: version, current: state.resourceVersion)
                }
                for change in state.history where change.resourceVersion > version {
                    if let event = filter.event(for: change) { continuation.yield(event) }
                }
            case .currentState(let markEnd):
                for (key, object) in state.objects.sorted(by: { $0.key < $1.key }) where filter.matches(key: key, object: object) {
                    continuation.yield(.change(.added, object))
                }
                if markEnd {
                    continuation.yield(.bookmark(resourceVersion: state.resourceVersion, initialEventsEnd: true))
                }
            }
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = Subscriber(filter: filter, continuation: continuation)
            return id
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return WatchSubscription(
            events: stream,
            requestBookmark: { [weak self] in self?.bookmark(id) },
            expire: { [weak self] in self?.expire(id) },
            end: { [weak self] in
                self?.unsubscribe(id)
                continuation.finish()
            })
    }

    private func bookmark(_ id: Int) {
        state.withLock { state in
            guard let subscriber = state.subscribers[id], !subscriber.isSilenced else { return }
            subscriber.continuation.yield(.bookmark(resourceVersion: state.resourceVersion, initialEventsEnd: false))
        }
    }

    /// A silenced watch outlives its timeout: a cut connection carries no clean end either.
    private func expire(_ id: Int) {
        let continuation = state.withLock { state -> EventContinuation? in
            guard let subscriber = state.subscribers[id], !subscriber.isSilenced else { return nil }
            state.subscribers[id] = nil
            return subscriber.continuation
        }
        continuation?.finish()
    }

    /// Ends every open watch stream, as an apiserver restart would.
    func endAllWatches() {
        // Finishing runs onTermination, which takes the lock: do it outside.
        for continuation in removeAllSubscribers() { continuation.finish() }
    }

    /// Ends every open watch stream with `WatchConnectionReset`, for the HTTP layer to cut
    /// the connection instead of finishing the response.
    func resetAllWatches() {
        for continuation in removeAllSubscribers() { continuation.finish(throwing: WatchConnectionReset()) }
    }

    private func removeAllSubscribers() -> [EventContinuation] {
        state.withLock { state in
            defer { state.subscribers.removeAll() }
            return state.subscribers.values.map(\.continuation)
        }
    }

    /// Stops feeding the watches open now, without ending them; later watches are fed as usual.
    func silenceOpenWatches() {
        state.withLock { state in
            for id in state.subscribers.keys { state.subscribers[id]?.isSilenced = true }
        }
    }

    /// Forgets all history: a watch from any version before now gets 410 Expired.
    func compactHistory() {
        state.withLock { state in
            state.history.removeAll()
            state.compactedThrough = state.resourceVersion
        }
    }

    private func unsubscribe(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    private func record(_ kind: Change.Kind, key: ObjectKey, previous: Document?, object: Document, in state: inout State) -> Document {
        state.resourceVersion += 1
        var stamped = object
        stamped[path: ["metadata", "resourceVersion"]] = .string(String(state.resourceVersion))
        if kind == .deleted {
            state.objects[key] = nil
        } else {
            state.objects[key] = stamped
        }
        let change = Change(kind: kind, resourceVersion: state.resourceVersion, key: key, previous: previous, object: stamped)
        state.history.append(change)
        if state.history.count > historyLimit {
            state.compactedThrough = state.history.removeFirst().resourceVersion
        }
        for subscriber in state.subscribers.values where !subscriber.isSilenced {
            if let event = subscriber.filter.event(for: change) { subscriber.continuation.yield(event) }
        }
        return stamped
    }
}
