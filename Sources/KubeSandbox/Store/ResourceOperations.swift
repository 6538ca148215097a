import Foundation

/// How unknown fields in a request body are treated (`fieldValidation`): kubectl sends `Strict`.
enum FieldValidation: String, Sendable {
    case strict = "Strict"
    case warn = "Warn"
    case ignore = "Ignore"
}

struct WriteOptions: Sendable {
    var dryRun = false
    var fieldValidation = FieldValidation.warn
}

/// A write's result in the wire form of the resource it went through, plus the warnings the
/// apiserver sends back as `Warning: 299` headers.
struct WriteOutcome: Sendable {
    var object: Document
    var warnings: [String] = []
}

enum PatchType: String, Sendable {
    case merge = "application/merge-patch+json"
    case strategicMerge = "application/strategic-merge-patch+json"
    case json = "application/json-patch+json"
}

/// The apiserver's generic registry for one resource: decoding against the schema, defaulting,
/// validation, optimistic concurrency, and conversion between the wire and stored forms. HTTP
/// handlers and the sandbox's direct mutation API both write through it, so both obey the same rules.
struct ResourceOperations: Sendable {
    let store: ObjectStore
    let resource: any ServedResource

    private var name: ResourceName { resource.name }

    func key(_ namespace: String, _ objectName: String) -> ObjectKey {
        ObjectKey(storage: resource.storage, namespace: namespace, name: objectName)
    }

    // MARK: Reads

    func get(namespace: String, name objectName: String) throws(APIError) -> Document {
        guard let stored = store.get(key(namespace, objectName)) else { throw .notFound(name, objectName) }
        return resource.fromStorage(stored)
    }

    // MARK: Writes

    /// The direct API's writes (`Sandbox.apply`, `seed`) go straight to the store, as a write
    /// to etcd would; the HTTP API's go through `AdmittedOperations`, which runs the validating
    /// admission webhooks between these preparations and the commit.

    func create(namespace: String, body: Document, options: WriteOptions) throws(APIError) -> WriteOutcome {
        try commitCreate(try prepareCreate(namespace: namespace, body: body, options: options), options: options)
    }

    /// PUT: replaces the object; a non-empty `metadata.resourceVersion` must be the current one.
    func replace(namespace: String, name objectName: String, body: Document, options: WriteOptions) throws(APIError) -> WriteOutcome {
        try update(namespace: namespace, name: objectName, options: options,
                   try replacement(namespace: namespace, name: objectName, body: body, options: options))
    }

    func patch(
        namespace: String, name objectName: String, type: PatchType, patch: Document, options: WriteOptions
    ) throws(APIError) -> WriteOutcome {
        try update(namespace: namespace, name: objectName, options: options,
                   patching(namespace: namespace, name: objectName, type: type, patch: patch, options: options))
    }

    struct DeletePreconditions: Sendable {
        var uid: String?
        var resourceVersion: String?
    }

    /// Returns the `Status` the apiserver answers a ConfigMap or Event delete with.
    func delete(
        namespace: String, name objectName: String, preconditions: DeletePreconditions, options: WriteOptions
    ) throws(APIError) -> Document {
        let deleted = try store.delete(key(namespace, objectName), commit: !options.dryRun, notFound: .notFound(name, objectName)) {
            (current) throws(APIError) -> Void in
            try check(preconditions, against: current, name: objectName)
        }
        return deletionStatus(deleted, name: objectName)
    }

    // MARK: Steps of a write

    /// A create, decoded and validated, in stored form, not yet stored.
    struct PreparedCreate: Sendable {
        var key: ObjectKey
        var object: Document
        var warnings: [String]
    }

    /// The new version of an update from the current one, and the warnings of decoding it.
    typealias Update = (_ current: Document) throws(APIError) -> (object: Document, warnings: [String])

    func prepareCreate(namespace: String, body: Document, options: WriteOptions) throws(APIError) -> PreparedCreate {
        var (object, warnings) = try decode(body, options: options)
        let bodyNamespace = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
        if resource.isNamespaced {
            guard bodyNamespace.isEmpty || bodyNamespace == namespace else {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            object[path: ["metadata", "namespace"]] = .string(namespace)
        } else {
            object[path: ["metadata", "namespace"]] = nil
        }
        object[path: ["metadata", "resourceVersion"]] = nil
        if (object[path: ["metadata", "name"]]?.stringValue ?? "").isEmpty,
           let prefix = object[path: ["metadata", "generateName"]]?.stringValue, !prefix.isEmpty {
            object[path: ["metadata", "name"]] = .string(prefix + Self.randomSuffix())
        }
        let stored = resource.toStorage(object)
        let objectName = stored[path: ["metadata", "name"]]?.stringValue ?? ""
        let causes = resource.validate(stored, old: nil)
        guard causes.isEmpty else { throw .invalid(name, objectName, causes) }
        return PreparedCreate(key: key(namespace, objectName), object: ObjectStore.stamped(stored), warnings: warnings)
    }

    func commitCreate(_ prepared: PreparedCreate, options: WriteOptions) throws(APIError) -> WriteOutcome {
        let created = try store.create(
            prepared.object, at: prepared.key, commit: !options.dryRun, alreadyExists: .alreadyExists(name, prepared.key.name))
        return WriteOutcome(object: resource.fromStorage(created), warnings: prepared.warnings)
    }

    func replacement(namespace: String, name objectName: String, body: Document, options: WriteOptions) throws(APIError) -> Update {
        var (object, warnings) = try decode(body, options: options)
        try checkIdentity(object, namespace: namespace, name: objectName)
        object[path: ["metadata", "namespace"]] = resource.isNamespaced ? .string(namespace) : nil
        let replacement = resource.toStorage(object)
        return { (current) throws(APIError) in
            try checkPrecondition(replacement, against: current, name: objectName)
            return (try validated(replacement, old: current, name: objectName), warnings)
        }
    }

    func patching(namespace: String, name objectName: String, type: PatchType, patch: Document, options: WriteOptions) -> Update {
        { (current) throws(APIError) in
            let original = resource.fromStorage(current)
            let patched: Document = switch type {
            case .merge: MergePatch.apply(patch, to: original)
            case .strategicMerge: try StrategicMergePatch.apply(patch, to: original)
            case .json: try JSONPatch.apply(patch, to: original)
            }
            var (object, warnings) = try decode(patched, options: options)
            try checkIdentity(object, namespace: namespace, name: objectName)
            object[path: ["metadata", "namespace"]] = resource.isNamespaced ? .string(namespace) : nil
            let replacement = resource.toStorage(object)
            try checkPrecondition(replacement, against: current, name: objectName)
            return (try validated(replacement, old: current, name: objectName), warnings)
        }
    }

    func update(namespace: String, name objectName: String, options: WriteOptions, _ change: Update) throws(APIError) -> WriteOutcome {
        var warnings: [String] = []
        let updated = try store.update(key(namespace, objectName), commit: !options.dryRun, notFound: .notFound(name, objectName)) {
            (current) throws(APIError) -> Document in
            let (object, decodeWarnings) = try change(current)
            warnings = decodeWarnings
            return object
        }
        return WriteOutcome(object: resource.fromStorage(updated), warnings: warnings)
    }

    func check(_ preconditions: DeletePreconditions, against current: Document, name objectName: String) throws(APIError) {
        for (field, expected) in [("uid", preconditions.uid), ("resourceVersion", preconditions.resourceVersion)] {
            guard let expected else { continue }
            let actual = current[path: ["metadata", field]]?.stringValue ?? ""
            guard actual == expected else {
                let label = field == "uid" ? "UID" : "ResourceVersion"
                throw APIError(code: 409, reason: "Conflict",
                               message: "Operation cannot be fulfilled on \(name.plural) \"\(objectName)\": Precondition failed: \(label) in precondition: \(expected), \(label) in object meta: \(actual)",
                               name: objectName, group: name.group, kind: name.plural)
            }
        }
    }

    func deletionStatus(_ deleted: Document, name objectName: String) -> Document {
        var details: [String: Document] = ["name": .string(objectName), "kind": .string(name.plural)]
        if !name.group.isEmpty { details["group"] = .string(name.group) }
        details["uid"] = deleted[path: ["metadata", "uid"]]
        return .object([
            "kind": "Status", "apiVersion": "v1", "metadata": .emptyObject,
            "status": "Success", "details": .object(details),
        ])
    }

    // MARK: Rules

    /// Decodes a body as Go would: kind and apiVersion must be this resource's, types must fit
    /// the schema, unknown fields are dropped and then rejected, reported or ignored.
    private func decode(_ body: Document, options: WriteOptions) throws(APIError) -> (Document, [String]) {
        guard case .object = body else {
            throw .badRequest("\(name.kind) in version \"\(name.version)\" cannot be handled as a \(name.kind): json: cannot unmarshal \(body.typeName) into Go value of type struct")
        }
        for (field, expected) in [("kind", name.kind), ("apiVersion", name.groupVersion)] {
            if let given = body[field]?.stringValue, !given.isEmpty, given != expected {
                throw .badRequest("the \(field == "kind" ? "kind" : "API version") in the data (\(given)) does not match the expected \(field == "kind" ? "kind" : "API version") (\(expected))")
            }
        }
        let decoding: SchemaDecoding
        do {
            decoding = try resource.schema.decode(body)
        } catch {
            throw .badRequest("\(name.kind) in version \"\(name.version)\" cannot be handled as a \(name.kind): \(error.message)")
        }
        let unknown = decoding.unknownFields.map { "unknown field \"\($0)\"" }
        var object = decoding.pruned
        object["kind"] = .string(name.kind)
        object["apiVersion"] = .string(name.groupVersion)
        switch options.fieldValidation {
        case .strict where !unknown.isEmpty:
            throw .badRequest("strict decoding error: \(unknown.joined(separator: ", "))")
        case .warn, .strict:
            return (object, unknown)
        case .ignore:
            return (object, [])
        }
    }

    private func checkIdentity(_ object: Document, namespace: String, name objectName: String) throws(APIError) {
        let bodyName = object[path: ["metadata", "name"]]?.stringValue ?? ""
        guard bodyName == objectName else {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(objectName))")
        }
        let bodyNamespace = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
        guard bodyNamespace.isEmpty || bodyNamespace == namespace else {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
    }

    /// Optimistic concurrency: a write naming a resourceVersion applies only to that version.
    private func checkPrecondition(_ object: Document, against current: Document, name objectName: String) throws(APIError) {
        let expected = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        guard expected.isEmpty || expected == current[path: ["metadata", "resourceVersion"]]?.stringValue else {
            throw .conflict(name, objectName)
        }
    }

    private func validated(_ object: Document, old: Document, name objectName: String) throws(APIError) -> Document {
        let causes = resource.validate(object, old: old)
        guard causes.isEmpty else { throw .invalid(name, objectName, causes) }
        return object
    }

    /// `names.SimpleNameGenerator`: five characters without vowels or confusable digits.
    private static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
