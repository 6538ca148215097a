import Foundation

/// A write as validating admission sees it, objects in the wire form of the resource it went
/// through.
struct AdmissionAttributes: Sendable {
    enum Operation: String, Sendable {
        case create = "CREATE"
        case update = "UPDATE"
        case delete = "DELETE"

        var optionsKind: String {
            switch self {
            case .create: "CreateOptions"
            case .update: "UpdateOptions"
            case .delete: "DeleteOptions"
            }
        }
    }

    var operation: Operation
    var resource: any ServedResource
    var namespace: String
    var name: String
    /// The object to be stored; nil for a DELETE.
    var object: Document?
    /// The stored object; nil for a CREATE.
    var oldObject: Document?
    var dryRun: Bool
}

/// The API server's validating admission, for the webhooks registered through
/// ValidatingWebhookConfigurations: which webhooks a write reaches (rules, namespace and object
/// selectors, matchConditions), the AdmissionReview v1 each is sent, and what its answer or
/// failure does (a denial is the request's error, a failure follows the failurePolicy,
/// warnings reach the client). Webhooks are called one after another, in configuration name
/// order; the apiserver calls them in parallel, which only changes which denial is reported
/// when several deny.
struct AdmissionWebhooks: Sendable {
    let store: ObjectStore
    let transport: WebhookTransport

    /// The user every sandbox request is made as (the kubeconfig's token).
    static let userInfo: Document = .object([
        "username": "kubernetes-admin", "groups": .array(["system:masters", "system:authenticated"]),
    ])

    /// The warnings of the webhooks that allowed the write; throws the request's error otherwise.
    func review(_ attributes: AdmissionAttributes) async throws(APIError) -> [String] {
        // As on the apiserver, webhook configurations are not reviewed by webhooks: a broken
        // webhook can always be removed.
        guard attributes.resource.storage != .validatingWebhookConfigurations else { return [] }
        let configurations = store.list(.validatingWebhookConfigurations, namespace: nil) { _ in true }.items
        let webhooks = configurations.flatMap { ($0["webhooks"]?.arrayValue ?? []).map(ValidatingWebhook.init) }
        guard !webhooks.isEmpty else { return [] }
        let uid = UUID().uuidString.lowercased()
        let request = reviewRequest(attributes, uid: uid)
        var warnings: [String] = []
        for webhook in webhooks where reaches(webhook, attributes) {
            do {
                guard try conditionsHold(webhook, request: request, attributes: attributes) else { continue }
                let answer = try await call(webhook, request: request, uid: uid)
                warnings += answer.warnings
                if let denial = answer.denial {
                    var error = denial
                    error.warnings = warnings
                    throw error
                }
            } catch let failure as WebhookTransport.Failure {
                guard !webhook.failOpen else { continue }
                throw APIError(
                    code: 500, reason: "InternalError",
                    message: "Internal error occurred: failed calling webhook \"\(webhook.name)\": \(failure.message)",
                    warnings: warnings)
            } catch let error as APIError {
                throw error
            } catch {
                throw APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(error)", warnings: warnings)
            }
        }
        return warnings
    }

    /// Rules, namespaceSelector (namespaced resources only) and objectSelector (old or new object).
    private func reaches(_ webhook: ValidatingWebhook, _ attributes: AdmissionAttributes) -> Bool {
        let resource = attributes.resource
        guard webhook.matches(operation: attributes.operation.rawValue, resource: resource.name, isNamespaced: resource.isNamespaced) else {
            return false
        }
        if resource.isNamespaced,
           !webhook.namespaceSelector.matches(labels: ["kubernetes.io/metadata.name": attributes.namespace]) {
            return false
        }
        let objects = [attributes.object, attributes.oldObject].compactMap { $0 }
        return objects.contains { webhook.objectSelector.matches($0) }
    }

    /// All matchConditions true; an evaluation error is a call failure (failurePolicy decides).
    private func conditionsHold(_ webhook: ValidatingWebhook, request: Document, attributes: AdmissionAttributes) throws -> Bool {
        let variables: [String: Document] = [
            "request": request, "object": attributes.object ?? .null, "oldObject": attributes.oldObject ?? .null,
        ]
        for condition in webhook.matchConditions {
            do {
                guard try condition.evaluate(variables) else { return false }
            } catch {
                throw WebhookTransport.Failure(message: "failed to evaluate matchConditions: \(error.message)")
            }
        }
        return true
    }

    private func reviewRequest(_ attributes: AdmissionAttributes, uid: String) -> Document {
        let name = attributes.resource.name
        let kind: Document = .object(["group": .string(name.group), "version": .string(name.version), "kind": .string(name.kind)])
        let resource: Document = .object(["group": .string(name.group), "version": .string(name.version), "resource": .string(name.plural)])
        var request: [String: Document] = [
            "uid": .string(uid), "kind": kind, "resource": resource, "requestKind": kind, "requestResource": resource,
            "name": .string(attributes.name), "operation": .string(attributes.operation.rawValue),
            "userInfo": Self.userInfo, "object": attributes.object ?? .null, "oldObject": attributes.oldObject ?? .null,
            "dryRun": .bool(attributes.dryRun),
            "options": .object(["apiVersion": "meta.k8s.io/v1", "kind": .string(attributes.operation.optionsKind)]),
        ]
        if attributes.resource.isNamespaced { request["namespace"] = .string(attributes.namespace) }
        return .object(request)
    }

    private struct Answer {
        var warnings: [String]
        /// The request's error when the webhook denied it.
        var denial: APIError?
    }

    private func call(_ webhook: ValidatingWebhook, request: Document, uid: String) async throws(WebhookTransport.Failure) -> Answer {
        let review: Document = .object(["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request])
        let (status, body) = try await transport.post(webhook, body: review.encoded())
        guard status == 200 else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .init(message: "the server responded with status \(status): \(text)")
        }
        guard let answer = try? Document.parse(body),
              answer["apiVersion"]?.stringValue == "admission.k8s.io/v1", answer["kind"]?.stringValue == "AdmissionReview",
              let response = answer["response"], case .bool(let allowed) = response["allowed"]
        else {
            throw .init(message: "received invalid webhook response: expected an admission.k8s.io/v1 AdmissionReview with response.allowed")
        }
        let answeredUID = response["uid"]?.stringValue ?? ""
        guard answeredUID == uid else {
            throw .init(message: "received invalid webhook response: expected response.uid=\"\(uid)\", got \"\(answeredUID)\"")
        }
        let warnings = (response["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
        return Answer(warnings: warnings, denial: allowed ? nil : Self.denial(webhook.name, status: response["status"]))
    }

    /// `webhookerrors.ToStatusErr`: the webhook's Status, its code at least 400 (403 when not),
    /// its message prefixed with who denied the request.
    private static func denial(_ webhookName: String, status: Document?) -> APIError {
        let deniedBy = "admission webhook \"\(webhookName)\" denied the request"
        let code = Int(status?["code"]?.integerValue ?? 0)
        let reason = status?["reason"]?.stringValue ?? ""
        let message = status?["message"]?.stringValue ?? ""
        let details = status?["details"]
        return APIError(
            code: code < 400 ? 403 : code, reason: reason,
            message: !message.isEmpty ? "\(deniedBy): \(message)" : !reason.isEmpty ? "\(deniedBy): \(reason)" : "\(deniedBy) without explanation",
            name: details?["name"]?.stringValue, group: details?["group"]?.stringValue, kind: details?["kind"]?.stringValue,
            causes: (details?["causes"]?.arrayValue ?? []).map { cause in
                APIError.Cause(
                    reason: cause["reason"]?.stringValue ?? "", message: cause["message"]?.stringValue ?? "",
                    field: cause["field"]?.stringValue)
            })
    }
}
