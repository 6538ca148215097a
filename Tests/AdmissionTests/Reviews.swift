import ConfigMapSource
import Foundation

/// AdmissionReview bodies as the API server sends them, built from plain JSON values.
enum Reviews {
    /// What must never appear in an answer: the value of `eni_conf`.
    static let secret = "LTAI-not-a-real-access-secret"

    /// The repository's portmap example, read as `validate` reads it.
    static let example: LoadedConfigMap = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/eni-config.yaml").path
        do {
            return try ConfigMapInput.load(path)
        } catch {
            preconditionFailure("cannot read \(path): \(error)")
        }
    }()

    static let conf = example.data.conf!
    static let portmapConflist = example.data.conflist!

    /// The vendor's warning case: bandwidth turned off in 10-terway.conf only.
    static let mismatchedConf = conf.replacingOccurrences(of: "\"bandwidth\": true", with: "\"bandwidth\": false")

    /// A trailing comma on line 5 of the conflist.
    static let trailingCommaConflist = portmapConflist.replacingOccurrences(of: "\"KUBE-MARK-MASQ\"", with: "\"KUBE-MARK-MASQ\",")

    static func data(conf: String = conf, conflist: String = portmapConflist) -> [String: Any] {
        [
            "10-terway.conf": conf, "10-terway.conflist": conflist,
            "eni_conf": #"{"version": "1", "access_key": "LTAI", "access_secret": "\#(secret)"}"#,
            "disable_network_policy": "false",
        ]
    }

    static func configMap(
        name: String = "eni-config", namespace: String = "kube-system", data: [String: Any] = data(),
        annotations: [String: String] = [:]
    ) -> [String: Any] {
        var metadata: [String: Any] = ["name": name, "namespace": namespace, "uid": "0d6c6a4c", "resourceVersion": "41"]
        // kubectl's copy of the applied object, secrets and all, as it sits on real ConfigMaps.
        var allAnnotations = ["kubectl.kubernetes.io/last-applied-configuration": #"{"data":{"eni_conf":"\#(secret)"}}"#]
        allAnnotations.merge(annotations) { $1 }
        metadata["annotations"] = allAnnotations
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data]
    }

    static func review(
        uid: String = "705ab4f5-6393-11e8-b7cc-42010a800002", operation: String,
        kind: [String: String] = ["group": "", "version": "v1", "kind": "ConfigMap"],
        resource: String = "configmaps", namespace: String = "kube-system", name: String = "eni-config",
        object: [String: Any]? = nil, oldObject: [String: Any]? = nil, dryRun: Bool = false
    ) -> Data {
        var request: [String: Any] = [
            "uid": uid, "kind": kind,
            "resource": ["group": kind["group"] ?? "", "version": kind["version"] ?? "", "resource": resource],
            "requestKind": kind, "namespace": namespace, "name": name, "operation": operation,
            "userInfo": ["username": "admin", "groups": ["system:masters", "system:authenticated"]],
            "dryRun": dryRun, "options": ["apiVersion": "meta.k8s.io/v1", "kind": "\(operation.capitalized)Options"],
        ]
        request["object"] = object ?? NSNull()
        request["oldObject"] = oldObject ?? NSNull()
        return json(["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request])
    }

    static func json(_ value: Any) -> Data {
        try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    }
}

/// The answer as the API server reads it.
struct Answer {
    let body: [String: Any]
    let text: String

    init(_ data: Data) {
        text = String(decoding: data, as: UTF8.self)
        body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    var response: [String: Any] { body["response"] as? [String: Any] ?? [:] }
    var uid: String? { response["uid"] as? String }
    var allowed: Bool? { response["allowed"] as? Bool }
    var status: [String: Any] { response["status"] as? [String: Any] ?? [:] }
    var code: Int? { status["code"] as? Int }
    var reason: String? { status["reason"] as? String }
    var message: String { status["message"] as? String ?? "" }
    var warnings: [String] { response["warnings"] as? [String] ?? [] }
    var causes: [(field: String, message: String)] {
        let details = status["details"] as? [String: Any] ?? [:]
        return (details["causes"] as? [[String: Any]] ?? []).map { ($0["field"] as? String ?? "", $0["message"] as? String ?? "") }
    }
}
