import Foundation

/// `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations`, cluster-scoped:
/// stored with the apiserver's defaults and refused with its validation messages where the
/// sandbox implements the field, and refused outright where it does not (other admission
/// review versions, CEL beyond `MatchCondition`), so a configuration either works as on a
/// cluster or is rejected.
struct ValidatingWebhookConfigurationResource: ServedResource {
    let name = ResourceName(
        group: "admissionregistration.k8s.io", version: "v1", plural: "validatingwebhookconfigurations",
        singular: "validatingwebhookconfiguration", kind: "ValidatingWebhookConfiguration", shortNames: [])
    let storage = StorageKind.validatingWebhookConfigurations
    let isNamespaced = false

    private static let labelSelector = FieldSchema.object(typeName: "LabelSelector", fields: [
        "matchLabels": .map(.string),
        "matchExpressions": .array(.object(typeName: "LabelSelectorRequirement", fields: [
            "key": .string, "operator": .string, "values": .array(.string),
        ])),
    ])

    let schema = FieldSchema.object(typeName: "ValidatingWebhookConfiguration", fields: [
        "apiVersion": .string, "kind": .string, "metadata": .objectMeta,
        "webhooks": .array(.object(typeName: "ValidatingWebhook", fields: [
            "name": .string,
            "clientConfig": .object(typeName: "WebhookClientConfig", fields: [
                "url": .string,
                "service": .object(typeName: "ServiceReference", fields: [
                    "namespace": .string, "name": .string, "path": .string, "port": .integer,
                ]),
                "caBundle": .bytes,
            ]),
            "rules": .array(.object(typeName: "RuleWithOperations", fields: [
                "operations": .array(.string), "apiGroups": .array(.string), "apiVersions": .array(.string),
                "resources": .array(.string), "scope": .string,
            ])),
            "failurePolicy": .string, "matchPolicy": .string,
            "namespaceSelector": labelSelector, "objectSelector": labelSelector,
            "sideEffects": .string, "timeoutSeconds": .integer, "admissionReviewVersions": .array(.string),
            "matchConditions": .array(.object(typeName: "MatchCondition", fields: ["name": .string, "expression": .string])),
        ])),
    ])

    let table = TableLayout(
        columns: [
            TableLayout.nameColumn,
            .init(name: "Webhooks", type: "integer", description: "Webhooks is a list of webhooks and the affected resources and operations."),
            TableLayout.ageColumn,
        ],
        cells: { stored, _, now in
            [
                stored[path: ["metadata", "name"]] ?? "",
                .integer(Int64(stored["webhooks"]?.arrayValue?.count ?? 0)),
                .string(TableLayout.age(since: stored[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now)),
            ]
        })

    /// The v1 defaults: failurePolicy Fail, matchPolicy Equivalent, empty selectors, a 10 s
    /// timeout, rules of any scope, service port 443.
    func toStorage(_ object: Document) -> Document {
        var stored = object
        stored["webhooks"] = object["webhooks"]?.arrayValue.map { webhooks in
            .array(webhooks.map { webhook in
                var webhook = webhook
                let defaults: [(String, Document)] = [
                    ("failurePolicy", "Fail"), ("matchPolicy", "Equivalent"), ("namespaceSelector", .emptyObject),
                    ("objectSelector", .emptyObject), ("timeoutSeconds", .integer(10)),
                ]
                for (field, value) in defaults where webhook[field] == nil { webhook[field] = value }
                if webhook[path: ["clientConfig", "service"]] != nil, webhook[path: ["clientConfig", "service", "port"]] == nil {
                    webhook[path: ["clientConfig", "service", "port"]] = .integer(443)
                }
                webhook["rules"] = webhook["rules"]?.arrayValue.map { rules in
                    .array(rules.map { rule in
                        var rule = rule
                        if rule["scope"] == nil { rule["scope"] = "*" }
                        return rule
                    })
                }
                return webhook
            })
        }
        return stored
    }

    func fromStorage(_ object: Document) -> Document { object }

    func fieldValue(_ label: String, of stored: Document) -> String? {
        metadataFieldValue(label, of: stored)
    }

    func validate(_ object: Document, old: Document?) -> [APIError.Cause] {
        var causes = MetadataValidation.validate(object)
        var names: Set<String> = []
        for (index, webhook) in (object["webhooks"]?.arrayValue ?? []).enumerated() {
            let field = "webhooks[\(index)]"
            let name = webhook["name"]?.stringValue ?? ""
            if name.split(separator: ".").count < 3 || !MetadataValidation.isDNS1123Subdomain(name) {
                causes.append(invalid("\(field).name", name, "should be a domain with at least three segments separated by dots"))
            } else if !names.insert(name).inserted {
                causes.append(.init(reason: "FieldValueDuplicate", message: "Duplicate value: \"\(name)\"", field: "\(field).name"))
            }
            causes += ValidatingWebhook.causes(of: webhook, field: field)
        }
        return causes
    }

    private func invalid(_ field: String, _ value: String, _ detail: String) -> APIError.Cause {
        .init(reason: "FieldValueInvalid", message: "Invalid value: \"\(value)\": \(detail)", field: field)
    }
}
