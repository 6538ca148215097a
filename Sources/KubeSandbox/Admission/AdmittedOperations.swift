/// The HTTP API's writes, as the apiserver orders them: decoding, defaulting and validation
/// (`ResourceOperations`), then the validating admission webhooks, then the commit. A dry run
/// goes through the webhooks too (they are told so) and stores nothing.
///
/// Webhooks are called outside the store's lock, so an update is committed only if the object
/// is still the one reviewed; otherwise the write is prepared and reviewed again, as the
/// apiserver's GuaranteedUpdate retries.
struct AdmittedOperations: Sendable {
    let operations: ResourceOperations
    let webhooks: AdmissionWebhooks

    private static let attempts = 5

    private var resource: any ServedResource { operations.resource }
    private var store: ObjectStore { operations.store }

    func create(namespace: String, body: Document, options: WriteOptions) async throws(APIError) -> WriteOutcome {
        let prepared = try operations.prepareCreate(namespace: namespace, body: body, options: options)
        let warnings = try await webhooks.review(AdmissionAttributes(
            operation: .create, resource: resource, namespace: namespace, name: prepared.key.name,
            object: resource.fromStorage(prepared.object), oldObject: nil, dryRun: options.dryRun))
        var outcome = try operations.commitCreate(prepared, options: options)
        outcome.warnings += warnings
        return outcome
    }

    func update(
        namespace: String, name: String, options: WriteOptions, _ change: ResourceOperations.Update
    ) async throws(APIError) -> WriteOutcome {
        let key = operations.key(namespace, name)
        return try await retryingRaces { () async throws(APIError) -> WriteOutcome in
            guard let current = store.get(key) else { throw .notFound(resource.name, name) }
            var (candidate, decodeWarnings) = try change(current)
            for field in ["uid", "creationTimestamp", "resourceVersion"] {
                candidate[path: ["metadata", field]] = current[path: ["metadata", field]]
            }
            let warnings = try await webhooks.review(AdmissionAttributes(
                operation: .update, resource: resource, namespace: namespace, name: name,
                object: resource.fromStorage(candidate), oldObject: resource.fromStorage(current), dryRun: options.dryRun))
            let updated = try store.update(key, commit: !options.dryRun, notFound: .notFound(resource.name, name)) {
                (latest) throws(APIError) -> Document in
                guard latest == current else { throw .conflict(resource.name, name) }
                return candidate
            }
            return WriteOutcome(object: resource.fromStorage(updated), warnings: decodeWarnings + warnings)
        }
    }

    /// The delete's `Status` and the webhooks' warnings.
    func delete(
        namespace: String, name: String, preconditions: ResourceOperations.DeletePreconditions, options: WriteOptions
    ) async throws(APIError) -> WriteOutcome {
        let key = operations.key(namespace, name)
        return try await retryingRaces { () async throws(APIError) -> WriteOutcome in
            guard let current = store.get(key) else { throw .notFound(resource.name, name) }
            try operations.check(preconditions, against: current, name: name)
            let warnings = try await webhooks.review(AdmissionAttributes(
                operation: .delete, resource: resource, namespace: namespace, name: name,
                object: nil, oldObject: resource.fromStorage(current), dryRun: options.dryRun))
            let deleted = try store.delete(key, commit: !options.dryRun, notFound: .notFound(resource.name, name)) {
                (latest) throws(APIError) -> Void in
                guard latest == current else { throw .conflict(resource.name, name) }
            }
            return WriteOutcome(object: operations.deletionStatus(deleted, name: name), warnings: warnings)
        }
    }

    /// Runs `write` again while the object changed between its review and its commit (a 409),
    /// a few times at most; then the conflict is the answer.
    private func retryingRaces(_ write: () async throws(APIError) -> WriteOutcome) async throws(APIError) -> WriteOutcome {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await write()
            } catch where error.reason == "Conflict" && attempt < Self.attempts {
                continue
            }
        }
    }
}
