/// One event of a watch stream: a change carrying the object in stored form, or a bookmark
/// carrying only the store's version (ordered with the changes, so a client that records it
/// never skips a change still in flight).
enum WatchEvent: Sendable {
    enum ChangeType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    case change(ChangeType, Document)
    /// `initialEventsEnd` marks the end of the initial state for `sendInitialEvents=true`.
    case bookmark(resourceVersion: Int64, initialEventsEnd: Bool)
}

/// Which objects a watch sees: one storage kind, optionally one namespace, and the request's
/// field and label selectors.
struct WatchFilter: Sendable {
    var storage: StorageKind
    var namespace: String?
    var matches: @Sendable (Document) -> Bool

    func matches(key: ObjectKey, object: Document) -> Bool {
        key.storage == storage && (namespace == nil || key.namespace == namespace) && matches(object)
    }

    /// The event this watch sees for a change. An object that starts or stops matching the
    /// selectors is ADDED or DELETED for this watch, as the apiserver's cacher reports it.
    func event(for change: Change) -> WatchEvent? {
        let matchedBefore = change.previous.map { matches(key: change.key, object: $0) } ?? false
        let matchesNow = change.kind != .deleted && matches(key: change.key, object: change.object)
        switch (matchedBefore, matchesNow) {
        case (false, true): return .change(.added, change.object)
        case (true, true): return .change(.modified, change.object)
        case (true, false): return .change(.deleted, change.object)
        case (false, false): return nil
        }
    }
}

/// An open watch: its events, a way to ask for a bookmark in sequence, and how the server
/// ends it (timeout, client gone). The events end without an error when the server ends the
/// watch cleanly, and with `WatchConnectionReset` when the sandbox cuts the connection.
struct WatchSubscription: Sendable {
    var events: AsyncThrowingStream<WatchEvent, any Error>
    var requestBookmark: @Sendable () -> Void
    /// The watch's `timeoutSeconds` passed: ends it cleanly, unless it was silenced.
    var expire: @Sendable () -> Void
    /// The client went away or the response ended: forget the watch.
    var end: @Sendable () -> Void
}

/// Ends a watch's events when `resetAllWatches` cuts its connection: the response is to be
/// abandoned mid-body, not finished.
struct WatchConnectionReset: Error {}

/// Where a watch starts.
enum WatchStart: Sendable {
    /// The current state as ADDED events, then changes; with `markEnd`, a bookmark after the
    /// initial state (`sendInitialEvents=true`).
    case currentState(markEnd: Bool)
    /// Every change after this version.
    case after(Int64)
}
