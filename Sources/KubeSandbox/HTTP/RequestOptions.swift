import Foundation

/// The list and watch parameters of a collection GET.
struct ListOptions: Sendable {
    var watch: Bool
    var resourceVersion: String
    var resourceVersionMatch: String
    var fieldSelector: FieldSelector
    var labelSelector: LabelSelector
    var allowWatchBookmarks: Bool
    var timeoutSeconds: Int?
    var sendInitialEvents: Bool

    init(_ query: QueryParameters, resource: any ServedResource) throws(APIError) {
        watch = query.flag("watch")
        resourceVersion = query["resourceVersion"] ?? ""
        resourceVersionMatch = query["resourceVersionMatch"] ?? ""
        fieldSelector = try FieldSelector(parsing: query["fieldSelector"] ?? "", for: resource)
        labelSelector = try LabelSelector(parsing: query["labelSelector"] ?? "")
        allowWatchBookmarks = query.flag("allowWatchBookmarks")
        sendInitialEvents = query.flag("sendInitialEvents")
        if let text = query["timeoutSeconds"] {
            guard let seconds = Int(text), seconds >= 0 else {
                throw .badRequest("timeoutSeconds: Invalid value: \"\(text)\": must be a non-negative integer")
            }
            timeoutSeconds = seconds
        }
        if !resourceVersion.isEmpty, Int64(resourceVersion) == nil {
            throw APIError.invalidResourceVersion(resourceVersion)
        }
        if !["", "Exact", "NotOlderThan"].contains(resourceVersionMatch) {
            throw .badRequest("resourceVersionMatch: Unsupported value: \"\(resourceVersionMatch)\": supported values: \"Exact\", \"NotOlderThan\"")
        }
    }

    /// The version a list or watch names, nil for "" and "0" (serve the latest / any state).
    var requestedVersion: Int64? {
        guard let version = Int64(resourceVersion), version > 0 else { return nil }
        return version
    }
}

extension WriteOptions {
    init(_ query: QueryParameters) throws(APIError) {
        dryRun = query["dryRun"] == "All"
        if let dryRun = query["dryRun"], !["", "All"].contains(dryRun) {
            throw .badRequest("dryRun: Unsupported value: \"\(dryRun)\": supported values: \"All\"")
        }
        guard let value = query["fieldValidation"], !value.isEmpty else {
            fieldValidation = .warn
            return
        }
        guard let validation = FieldValidation(rawValue: value) else {
            throw .badRequest("fieldValidation: Unsupported value: \"\(value)\": supported values: \"Ignore\", \"Strict\", \"Warn\"")
        }
        fieldValidation = validation
    }
}

extension ResourceOperations.DeletePreconditions {
    /// From a `DeleteOptions` body (`{"preconditions":{"uid":…,"resourceVersion":…}}`), if any.
    init(deleteOptions body: Document?) {
        uid = body?[path: ["preconditions", "uid"]]?.stringValue
        resourceVersion = body?[path: ["preconditions", "resourceVersion"]]?.stringValue
    }
}

extension APIError {
    static func invalidResourceVersion(_ value: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: "resourceVersion: Invalid value: \"\(value)\": must be an integer")
    }
}
