/// The apiserver's `ValidateObjectMeta` rules that clients trip over: names, labels, annotations.
enum MetadataValidation {
    static let dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

    private static var dns1123Subdomain: Regex<Substring> { #/[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*/# }
    private static var qualifiedNamePart: Regex<Substring> { #/(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]/# }

    static func isDNS1123Subdomain(_ value: String) -> Bool {
        value.count <= 253 && value.wholeMatch(of: dns1123Subdomain) != nil
    }

    static func validate(_ object: Document) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if name.isEmpty {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name"))
        } else if !isDNS1123Subdomain(name) {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\(name)\": \(dns1123SubdomainMessage)", field: "metadata.name"))
        }
        for (key, value) in object[path: ["metadata", "labels"]]?.objectValue ?? [:] {
            causes += qualifiedNameCauses(key, field: "metadata.labels")
            if let text = value.stringValue, !isLabelValue(text) {
                causes.append(.init(
                    reason: "FieldValueInvalid",
                    message: "Invalid value: \"\(text)\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                    field: "metadata.labels"))
            }
        }
        var annotationBytes = 0
        for (key, value) in object[path: ["metadata", "annotations"]]?.objectValue ?? [:] {
            causes += qualifiedNameCauses(key.lowercased(), field: "metadata.annotations")
            annotationBytes += key.utf8.count + (value.stringValue?.utf8.count ?? 0)
        }
        if annotationBytes > 256 * 1024 {
            causes.append(.init(reason: "FieldValueTooLong", message: "Too long: must have at most 262144 bytes", field: "metadata.annotations"))
        }
        return causes
    }

    static func isLabelValue(_ value: String) -> Bool {
        value.isEmpty || (value.count <= 63 && value.wholeMatch(of: qualifiedNamePart) != nil)
    }

    /// `prefix/name` with a DNS-subdomain prefix and a 63-character name.
    static func qualifiedNameCauses(_ key: String, field: String) -> [APIError.Cause] {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(parts.last ?? "")
        let prefixValid = parts.count == 1 || (parts.count == 2 && isDNS1123Subdomain(String(parts[0])))
        let nameValid = !name.isEmpty && name.count <= 63 && name.wholeMatch(of: qualifiedNamePart) != nil
        guard !(prefixValid && nameValid) else { return [] }
        return [.init(
            reason: "FieldValueInvalid",
            message: "Invalid value: \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            field: field)]
    }
}
