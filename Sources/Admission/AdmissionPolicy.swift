import ENIConfig

/// What the webhook allows for the ConfigMap it guards; every other object is allowed untouched.
///
/// - CREATE, UPDATE: the node-independent validation of `eni-config-agent validate` (the same
///   pure `evaluate`); a version with errors is denied, warnings go back as warnings.
/// - UPDATE that leaves the CNI data as stored: allowed even if that data is invalid (stored
///   before the webhook was installed), with the errors as warnings. Otherwise a stored bad
///   version would block unrelated edits such as labels, annotations or `eni_conf`.
/// - DELETE: denied unless the stored object carries `eni-config-agent/allow-delete: "true"`:
///   every Terway pod that starts reads the ConfigMap, so deleting it by accident breaks pod
///   networking on each node that restarts one.
/// - dryRun requests get the same verdict, so `kubectl apply --dry-run=server` is a preflight.
public struct AdmissionPolicy: Sendable {
    /// The annotation that makes a DELETE of the guarded ConfigMap intended.
    public static let deletionAnnotation = "eni-config-agent/allow-delete"

    public var target: ConfigMapTarget

    public init(target: ConfigMapTarget = ConfigMapTarget()) {
        self.target = target
    }

    public func respond(to request: AdmissionRequest) throws(MalformedReview) -> AdmissionResponse {
        guard request.isAbout(target) else { return .allow(request.uid) }
        switch request.operation {
        case .create:
            guard let object = request.object else { throw .missingField("request.object") }
            return judge(object, uid: request.uid)
        case .update:
            guard let object = request.object else { throw .missingField("request.object") }
            guard let oldObject = request.oldObject else { throw .missingField("request.oldObject") }
            return judge(object, uid: request.uid, unchangedFrom: oldObject)
        case .delete:
            guard request.oldObject?.deletionIntended == true else {
                return .deny(request.uid, AdmissionMessages.deletionRefused(target))
            }
            return .allow(request.uid, warnings: [AdmissionMessages.deletionAllowed(target)])
        case .connect, .other:
            return .allow(request.uid)
        }
    }

    private func judge(_ object: ReviewedConfigMap, uid: String, unchangedFrom old: ReviewedConfigMap? = nil) -> AdmissionResponse {
        let diagnostics = evaluate(object.data).diagnostics
        guard diagnostics.hasErrors else {
            return .allow(uid, warnings: AdmissionMessages.warnings(diagnostics))
        }
        if let old, old.data == object.data {
            return .allow(uid, warnings: [AdmissionMessages.stillInvalid(target)] + AdmissionMessages.warnings(diagnostics))
        }
        return .deny(uid, AdmissionMessages.invalid(target, diagnostics), warnings: AdmissionMessages.warnings(diagnostics.warnings))
    }
}

/// An AdmissionReview the webhook cannot answer: the HTTP layer replies 400 with this text,
/// which never quotes the body.
public enum MalformedReview: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(String)
    case wrongType(apiVersion: String, kind: String)
    case missingField(String)

    public var description: String {
        switch self {
        case .notJSON(let detail): "the body is not an AdmissionReview: \(detail)"
        case .wrongType(let apiVersion, let kind):
            "expected kind AdmissionReview in apiVersion admission.k8s.io/v1 (admissionReviewVersions: [v1]), "
                + "got kind \"\(kind.prefix(63))\" in \"\(apiVersion.prefix(63))\""
        case .missingField(let field): "the AdmissionReview has no \(field)"
        }
    }
}
