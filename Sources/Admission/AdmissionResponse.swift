/// The webhook's answer, as `response` of an `admission.k8s.io/v1` AdmissionReview.
public struct AdmissionResponse: Sendable, Equatable, Encodable {
    /// The request's uid: the API server rejects an answer that does not echo it.
    public var uid: String
    public var allowed: Bool
    /// Why not, on a denial: the API server returns it to the client as the request's error.
    public var status: DenialStatus?
    /// Shown by kubectl as `Warning: …` lines, denied or not.
    public var warnings: [String]

    public static func allow(_ uid: String, warnings: [String] = []) -> AdmissionResponse {
        AdmissionResponse(uid: uid, allowed: true, status: nil, warnings: warnings)
    }

    public static func deny(_ uid: String, _ status: DenialStatus, warnings: [String] = []) -> AdmissionResponse {
        AdmissionResponse(uid: uid, allowed: false, status: status, warnings: warnings)
    }

    private enum CodingKeys: String, CodingKey {
        case uid, allowed, status, warnings
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(uid, forKey: .uid)
        try container.encode(allowed, forKey: .allowed)
        try container.encodeIfPresent(status, forKey: .status)
        if !warnings.isEmpty { try container.encode(warnings, forKey: .warnings) }
    }
}

/// A `metav1.Status` for a denial. The API server passes it through to the client, prefixing
/// the message with `admission webhook "<name>" denied the request: `. With reason `Invalid`,
/// code 422 and causes, `kubectl apply` prints one `* field: message` line per cause and
/// `kubectl edit` reopens the editor with them as comments, so the edit is not lost.
public struct DenialStatus: Sendable, Equatable, Encodable {
    public struct Cause: Sendable, Equatable, Encodable {
        public var reason: String
        public var field: String
        public var message: String
    }

    public var code: Int
    public var reason: String
    public var message: String
    /// The object's kind and name, which kubectl names in `The ConfigMap "eni-config" is invalid`.
    public var kind: String
    public var name: String
    public var causes: [Cause]

    private enum CodingKeys: String, CodingKey {
        case status, code, reason, message, details
    }

    private enum DetailsKeys: String, CodingKey {
        case kind, name, causes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("Failure", forKey: .status)
        try container.encode(code, forKey: .code)
        try container.encode(reason, forKey: .reason)
        try container.encode(message, forKey: .message)
        var details = container.nestedContainer(keyedBy: DetailsKeys.self, forKey: .details)
        try details.encode(kind, forKey: .kind)
        try details.encode(name, forKey: .name)
        if !causes.isEmpty { try details.encode(causes, forKey: .causes) }
    }
}
