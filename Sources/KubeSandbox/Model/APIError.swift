/// A failed request, answered as the apiserver does: a `Status` object whose `reason` and
/// `code` clients branch on (client-go's `errors.IsConflict`, `IsNotFound`, `IsResourceExpired`...).
struct APIError: Error, Sendable {
    struct Cause: Sendable {
        var reason: String
        var message: String
        var field: String?
    }

    var code: Int
    var reason: String
    var message: String
    var name: String?
    var group: String?
    var kind: String?
    var causes: [Cause] = []
    var retryAfterSeconds: Int?
    /// Sent as `Warning` headers with the Status (admission webhooks' warnings).
    var warnings: [String] = []

    var status: Document {
        var details: [String: Document] = [:]
        if let name { details["name"] = .string(name) }
        if let group, !group.isEmpty { details["group"] = .string(group) }
        if let kind { details["kind"] = .string(kind) }
        if !causes.isEmpty {
            details["causes"] = .array(causes.map { cause in
                var member: [String: Document] = ["reason": .string(cause.reason), "message": .string(cause.message)]
                if let field = cause.field { member["field"] = .string(field) }
                return .object(member)
            })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .integer(Int64(retryAfterSeconds)) }
        var status: [String: Document] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .emptyObject,
            "status": "Failure", "message": .string(message), "reason": .string(reason),
            "code": .integer(Int64(code)),
        ]
        if !details.isEmpty { status["details"] = .object(details) }
        return .object(status)
    }
}

extension APIError {
    static func notFound(_ resource: ResourceName, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource.plural) \"\(name)\" not found",
                 name: name, group: resource.group, kind: resource.plural)
    }

    static let pathNotFound = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    static func alreadyExists(_ resource: ResourceName, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource.plural) \"\(name)\" already exists",
                 name: name, group: resource.group, kind: resource.plural)
    }

    static func conflict(_ resource: ResourceName, _ name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(resource.plural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                 name: name, group: resource.group, kind: resource.plural)
    }

    static func invalid(_ resource: ResourceName, _ name: String, _ causes: [Cause]) -> APIError {
        let summary = causes.map { "\($0.field ?? ""): \($0.message)" }.joined(separator: ", ")
        return APIError(code: 422, reason: "Invalid", message: "\(resource.kind) \"\(name)\" is invalid: \(summary)",
                        name: name, group: resource.group, kind: resource.kind, causes: causes)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// The watch cache no longer holds events after this version (HTTP 410 or an in-stream ERROR).
    static func expired(requested: Int64, oldest: Int64) -> APIError {
        APIError(code: 410, reason: "Expired", message: "too old resource version: \(requested) (\(oldest))")
    }

    static func resourceVersionTooLarge(requested: Int64, current: Int64) -> APIError {
        APIError(code: 504, reason: "Timeout",
                 message: "Timeout: Too large resource version: \(requested), current: \(current)",
                 causes: [Cause(reason: "ResourceVersionTooLarge", message: "Too large resource version")],
                 retryAfterSeconds: 1)
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource (\(method))")
    }

    static func unsupportedMediaType(_ contentType: String, accepted: [String]) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: \(accepted.joined(separator: ", ")) (got \(contentType))")
    }

    static func requestEntityTooLarge(limit: Int) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(limit)")
    }

    /// A failure injected by a test; reason and message follow the apiserver's for that code.
    static func injected(status code: Int, retryAfterSeconds: Int?) -> APIError {
        let (reason, message): (String, String) = switch code {
        case 400: ("BadRequest", "injected bad request")
        case 401: ("Unauthorized", "Unauthorized")
        case 403: ("Forbidden", "forbidden: injected by the sandbox")
        case 404: ("NotFound", "the server could not find the requested resource")
        case 409: ("Conflict", "injected conflict")
        case 410: ("Expired", "injected: resource version expired")
        case 429: ("TooManyRequests", "Too many requests, please try again later.")
        case 500: ("InternalError", "Internal error occurred: injected by the sandbox")
        case 503: ("ServiceUnavailable", "the server is currently unable to handle the request")
        case 504: ("Timeout", "the server was unable to return a response in the time allotted")
        default: ("", "injected status \(code)")
        }
        return APIError(code: code, reason: reason, message: message, retryAfterSeconds: retryAfterSeconds)
    }
}

extension Document: ExpressibleByStringLiteral {
    init(stringLiteral value: String) { self = .string(value) }
}
