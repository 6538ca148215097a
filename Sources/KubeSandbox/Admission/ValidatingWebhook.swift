import Foundation

/// One webhook of a stored ValidatingWebhookConfiguration, read into what the dispatcher
/// decides with. Built only from configurations that passed `causes(of:field:)`.
struct ValidatingWebhook: Sendable {
    struct Rule: Sendable {
        var operations: [String]
        var apiGroups: [String]
        var apiVersions: [String]
        var resources: [String]
        var scope: String
    }

    enum Endpoint: Sendable {
        case url(String)
        /// A Service in the cluster; the sandbox reaches it through `Sandbox.routeService`.
        case service(namespace: String, name: String, port: Int, path: String)
    }

    var name: String
    var endpoint: Endpoint
    /// PEM CA certificates to verify the webhook's certificate with; nil: the system's roots.
    var caBundle: [UInt8]?
    var rules: [Rule]
    var failOpen: Bool
    var namespaceSelector: LabelSelector
    var objectSelector: LabelSelector
    var sideEffects: String
    var timeout: Duration
    var matchConditions: [MatchCondition]

    init(_ webhook: Document) {
        func strings(_ value: Document?) -> [String] { (value?.arrayValue ?? []).compactMap(\.stringValue) }
        name = webhook["name"]?.stringValue ?? ""
        if let service = webhook[path: ["clientConfig", "service"]] {
            endpoint = .service(
                namespace: service["namespace"]?.stringValue ?? "", name: service["name"]?.stringValue ?? "",
                port: Int(service["port"]?.integerValue ?? 443), path: service["path"]?.stringValue ?? "/")
        } else {
            endpoint = .url(webhook[path: ["clientConfig", "url"]]?.stringValue ?? "")
        }
        caBundle = webhook[path: ["clientConfig", "caBundle"]]?.stringValue.flatMap { Data(base64Encoded: $0) }.map(Array.init)
        rules = (webhook["rules"]?.arrayValue ?? []).map { rule in
            Rule(operations: strings(rule["operations"]), apiGroups: strings(rule["apiGroups"]),
                 apiVersions: strings(rule["apiVersions"]), resources: strings(rule["resources"]),
                 scope: rule["scope"]?.stringValue ?? "*")
        }
        failOpen = webhook["failurePolicy"]?.stringValue == "Ignore"
        namespaceSelector = (try? LabelSelector(structured: webhook["namespaceSelector"])) ?? .everything
        objectSelector = (try? LabelSelector(structured: webhook["objectSelector"])) ?? .everything
        sideEffects = webhook["sideEffects"]?.stringValue ?? ""
        timeout = .seconds(webhook["timeoutSeconds"]?.integerValue ?? 10)
        matchConditions = (webhook["matchConditions"]?.arrayValue ?? []).compactMap { condition in
            try? MatchCondition(name: condition["name"]?.stringValue ?? "", source: condition["expression"]?.stringValue ?? "")
        }
    }

    /// Whether a rule covers this write (the apiserver's `rules.Matcher`).
    func matches(operation: String, resource: ResourceName, isNamespaced: Bool) -> Bool {
        rules.contains { rule in
            func covers(_ values: [String], _ value: String) -> Bool { values.contains("*") || values.contains(value) }
            let resourceMatch = rule.resources.contains { entry in
                let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
                let (plural, subresource) = (parts.first ?? "", parts.count > 1 ? parts[1] : "")
                return (plural == "*" || plural == resource.plural) && (subresource == "*" || subresource.isEmpty)
            }
            let scopeMatch = rule.scope == "*" || (rule.scope == "Namespaced") == isNamespaced
            return covers(rule.operations, operation) && covers(rule.apiGroups, resource.group)
                && covers(rule.apiVersions, resource.version) && resourceMatch && scopeMatch
        }
    }

    // MARK: Validation

    /// The apiserver's checks of one webhook that the sandbox relies on, plus refusals of what
    /// the sandbox does not implement.
    static func causes(of webhook: Document, field: String) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        func invalid(_ path: String, _ value: String, _ detail: String) {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\(value)\": \(detail)", field: "\(field).\(path)"))
        }
        func required(_ path: String, _ detail: String) {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value: \(detail)", field: "\(field).\(path)"))
        }
        func unsupported(_ path: String, _ value: String, _ supported: [String]) {
            causes.append(.init(
                reason: "FieldValueNotSupported",
                message: "Unsupported value: \"\(value)\": supported values: \(supported.map { "\"\($0)\"" }.joined(separator: ", "))",
                field: "\(field).\(path)"))
        }

        let versions = (webhook["admissionReviewVersions"]?.arrayValue ?? []).compactMap(\.stringValue)
        if versions.isEmpty {
            required("admissionReviewVersions", "must specify one of v1, v1beta1")
        } else if !versions.contains("v1") {
            invalid("admissionReviewVersions", versions.joined(separator: ","), "the sandbox sends AdmissionReview v1 only")
        }
        if let sideEffects = webhook["sideEffects"]?.stringValue {
            if !["None", "NoneOnDryRun"].contains(sideEffects) { unsupported("sideEffects", sideEffects, ["None", "NoneOnDryRun"]) }
        } else {
            required("sideEffects", "must specify one of None, NoneOnDryRun")
        }
        if let policy = webhook["failurePolicy"]?.stringValue, !["Fail", "Ignore"].contains(policy) {
            unsupported("failurePolicy", policy, ["Fail", "Ignore"])
        }
        if let timeout = webhook["timeoutSeconds"]?.integerValue, !(1...30).contains(timeout) {
            invalid("timeoutSeconds", String(timeout), "the timeout value must be between 1 and 30 seconds")
        }
        let url = webhook[path: ["clientConfig", "url"]]?.stringValue
        let service = webhook[path: ["clientConfig", "service"]]
        switch (url, service) {
        case (nil, nil), (.some, .some):
            required("clientConfig", "exactly one of url or service is required")
        case (let url?, nil):
            if URL(string: url)?.scheme != "https" { invalid("clientConfig.url", url, "'https' is the only allowed URL scheme") }
        case (nil, let service?):
            if (service["name"]?.stringValue ?? "").isEmpty { required("clientConfig.service.name", "service name is required") }
            if (service["namespace"]?.stringValue ?? "").isEmpty { required("clientConfig.service.namespace", "service namespace is required") }
            if let path = service["path"]?.stringValue, !path.hasPrefix("/") { invalid("clientConfig.service.path", path, "must start with a '/'") }
            if let port = service["port"]?.integerValue, !(1...65535).contains(port) {
                invalid("clientConfig.service.port", String(port), "port is not valid: must be between 1 and 65535, inclusive")
            }
        }
        for (index, rule) in (webhook["rules"]?.arrayValue ?? []).enumerated() {
            for operation in (rule["operations"]?.arrayValue ?? []).compactMap(\.stringValue)
            where !["*", "CREATE", "UPDATE", "DELETE", "CONNECT"].contains(operation) {
                unsupported("rules[\(index)].operations", operation, ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"])
            }
            if let scope = rule["scope"]?.stringValue, !["*", "Cluster", "Namespaced"].contains(scope) {
                unsupported("rules[\(index)].scope", scope, ["*", "Cluster", "Namespaced"])
            }
        }
        for selector in ["namespaceSelector", "objectSelector"] {
            do {
                _ = try LabelSelector(structured: webhook[selector])
            } catch {
                invalid(selector, "", error.message)
            }
        }
        var conditionNames: Set<String> = []
        for (index, condition) in (webhook["matchConditions"]?.arrayValue ?? []).enumerated() {
            let name = condition["name"]?.stringValue ?? ""
            if name.isEmpty { required("matchConditions[\(index)].name", "") }
            if !conditionNames.insert(name).inserted {
                causes.append(.init(reason: "FieldValueDuplicate", message: "Duplicate value: \"\(name)\"", field: "\(field).matchConditions[\(index)].name"))
            }
            let expression = condition["expression"]?.stringValue ?? ""
            do {
                _ = try MatchCondition(name: name, source: expression)
            } catch {
                invalid("matchConditions[\(index)].expression", expression, "compilation failed: \(error.message)")
            }
        }
        return causes
    }
}

extension LabelSelector {
    /// A `metav1.LabelSelector` (`matchLabels`, `matchExpressions`); nil or empty selects everything.
    init(structured selector: Document?) throws(APIError) {
        var requirements: [Requirement] = []
        for (key, value) in (selector?["matchLabels"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            requirements.append(.equals(key, value.stringValue ?? ""))
        }
        for expression in selector?["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = Set((expression["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            let operation = expression["operator"]?.stringValue ?? ""
            switch operation {
            case "In", "NotIn":
                guard !values.isEmpty else { throw .badRequest("values: Required value: must be specified when `operator` is 'In' or 'NotIn'") }
                requirements.append(operation == "In" ? .isIn(key, values) : .notIn(key, values))
            case "Exists", "DoesNotExist":
                guard values.isEmpty else { throw .badRequest("values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'") }
                requirements.append(operation == "Exists" ? .exists(key) : .doesNotExist(key))
            default:
                throw .badRequest("operator: Invalid value: \"\(operation)\": not a valid selector operator")
            }
        }
        self.init(requirements: requirements)
    }

    /// Matches a bare label map (a namespace's labels).
    func matches(labels: [String: String]) -> Bool {
        matches(.object(["metadata": .object(["labels": .object(labels.mapValues(Document.string))])]))
    }
}
