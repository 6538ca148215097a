import ENIConfig

/// The texts of the webhook's answers, sized for what shows them: kubectl prints a denial's
/// causes one per line and each warning as a `Warning:` line; the API server truncates
/// warnings longer than 256 characters and Kubernetes asks for 120 at most.
enum AdmissionMessages {
    /// Causes (and message lines) beyond this are counted, not listed.
    static let maximumListed = 10
    static let maximumCauseLength = 300
    static let maximumWarnings = 8
    /// Each warning is shorter than 120 characters.
    static let maximumWarningLength = 119

    static let validateHint = "`eni-config-agent validate --configmap FILE` lists them all"

    /// A version with errors: `Invalid`, with one cause per error (the data key as the field).
    static func invalid(_ target: ConfigMapTarget, _ diagnostics: [Diagnostic]) -> DenialStatus {
        let errors = diagnostics.errors
        let listed = errors.prefix(maximumListed)
        var causes = listed.map { error in
            DenialStatus.Cause(
                reason: "FieldValueInvalid",
                field: error.key.map { "data[\($0)]" } ?? "data",
                message: truncated(placeAndMessage(error), to: maximumCauseLength))
        }
        var lines = listed.map { truncated(location(of: $0), to: maximumCauseLength) }
        if errors.count > listed.count {
            let more = "\(errors.count - listed.count) more error\(errors.count - listed.count == 1 ? "" : "s"); \(validateHint)"
            causes.append(.init(reason: "FieldValueInvalid", field: "data", message: more))
            lines.append("… and " + more)
        }
        let count = "\(errors.count) error\(errors.count == 1 ? "" : "s")"
        return DenialStatus(
            code: 422, reason: "Invalid",
            message: "\(target) is invalid (\(count)), nothing was stored:\n" + lines.joined(separator: "\n"),
            kind: "ConfigMap", name: target.name, causes: causes)
    }

    /// Warnings (and, for an unchanged invalid version, errors), each one line under 120 characters.
    static func warnings(_ diagnostics: [Diagnostic]) -> [String] {
        var lines = diagnostics.prefix(maximumWarnings).map { diagnostic in
            // kubectl prints each as `Warning: …`; errors (of a version stored before) say so.
            truncated(diagnostic.severity == .error ? diagnostic.description : location(of: diagnostic), to: maximumWarningLength)
        }
        if diagnostics.count > maximumWarnings {
            lines.append("\(diagnostics.count - maximumWarnings) more; `eni-config-agent validate` lists them all")
        }
        return lines
    }

    static func stillInvalid(_ target: ConfigMapTarget) -> String {
        "\(target) was invalid before this update, which leaves its CNI keys as they were"
    }

    static func deletionRefused(_ target: ConfigMapTarget) -> DenialStatus {
        let annotate = "kubectl annotate configmap -n \(target.namespace) \(target.name) \(AdmissionPolicy.deletionAnnotation)=true"
        return DenialStatus(
            code: 403, reason: "Forbidden",
            message: "\(target) is not deleted: every Terway pod reads it when it starts, so without it pods on "
                + "restarted nodes get no network. To delete it on purpose, first run `\(annotate)`",
            kind: "ConfigMap", name: target.name, causes: [])
    }

    static func deletionAllowed(_ target: ConfigMapTarget) -> String {
        "\(target) deleted on purpose (\(AdmissionPolicy.deletionAnnotation)); nodes keep their files"
    }

    /// `10-terway.conflist:7:12: plugins[1].type: …`: the line `validate` prints, without the severity.
    private static func location(of diagnostic: Diagnostic) -> String {
        String(diagnostic.description.dropFirst(diagnostic.severity.rawValue.count + 2))
    }

    /// `7:12: plugins[1].type: …` (the cause's field names the key), or just the message.
    private static func placeAndMessage(_ diagnostic: Diagnostic) -> String {
        var text = ""
        if let line = diagnostic.line, let column = diagnostic.column { text += "\(line):\(column): " }
        if let path = diagnostic.path, path != "$" { text += "\(path): " }
        return text + diagnostic.message
    }

    private static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : text.prefix(limit - 1) + "…"
    }
}
