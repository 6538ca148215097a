import Admission
import Foundation
import Testing

@Suite("AdmissionReviewer: an AdmissionReview in, the answer out")
struct AdmissionReviewerTests {
    let reviewer = AdmissionReviewer()

    func answer(_ body: Data) throws -> Answer {
        let (_, response) = try reviewer.review(body)
        let answer = Answer(AdmissionReviewer.encode(response))
        #expect(!answer.text.contains(Reviews.secret), "the answer quotes eni_conf: \(answer.text)")
        return answer
    }

    @Test("a valid CREATE is allowed and the uid echoed, in an admission.k8s.io/v1 AdmissionReview")
    func validCreate() throws {
        let answer = try answer(Reviews.review(uid: "c0ffee-1", operation: "CREATE", object: Reviews.configMap()))
        #expect(answer.body["apiVersion"] as? String == "admission.k8s.io/v1")
        #expect(answer.body["kind"] as? String == "AdmissionReview")
        #expect(answer.uid == "c0ffee-1")
        #expect(answer.allowed == true)
        #expect(answer.response["status"] == nil)
        #expect(answer.warnings.isEmpty)
    }

    @Test("an invalid CREATE is denied as Invalid: key, path, line:column and the fix, one cause per error")
    func invalidCreate() throws {
        let object = Reviews.configMap(data: Reviews.data(conf: Reviews.mismatchedConf))
        let answer = try answer(Reviews.review(operation: "CREATE", object: object))
        #expect(answer.allowed == false)
        #expect(answer.code == 422)
        #expect(answer.reason == "Invalid")
        let details = answer.status["details"] as? [String: Any]
        #expect(details?["kind"] as? String == "ConfigMap")
        #expect(details?["name"] as? String == "eni-config")
        let cause = try #require(answer.causes.first)
        #expect(answer.causes.count == 1)
        #expect(cause.field == "data[10-terway.conflist]")
        // plugins[0].capabilities.bandwidth's value is on line 7, column 37 of the conflist text.
        #expect(cause.message == "7:37: plugins[0].capabilities.bandwidth: true here, false in 10-terway.conf")
        #expect(answer.message == """
            kube-system/eni-config is invalid (1 error), nothing was stored:
            10-terway.conflist:7:37: plugins[0].capabilities.bandwidth: true here, false in 10-terway.conf
            """)
    }

    @Test("a syntax error is placed at its line:column")
    func syntaxError() throws {
        let object = Reviews.configMap(data: Reviews.data(conflist: Reviews.trailingCommaConflist))
        let answer = try answer(Reviews.review(operation: "CREATE", object: object))
        #expect(answer.allowed == false)
        let cause = try #require(answer.causes.first)
        #expect(cause.field == "data[10-terway.conflist]")
        #expect(cause.message == "12:47: invalid JSON: trailing comma before '}': remove it")
    }

    @Test("warnings of an allowed version go to response.warnings, each under 120 characters")
    func warnings() throws {
        let conflist = Reviews.portmapConflist.replacingOccurrences(of: "\"plugins\": [", with: "\"note\": \"set by hand\",\n  \"plugins\": [")
        let answer = try answer(Reviews.review(operation: "CREATE", object: Reviews.configMap(data: Reviews.data(conflist: conflist))))
        #expect(answer.allowed == true)
        let warning = try #require(answer.warnings.first)
        #expect(answer.warnings.count == 1)
        #expect(warning.hasPrefix("10-terway.conflist:2:3: note: \"note\" is not carried into the node file"), "\(warning)")
        #expect(warning.count < 120)
    }

    @Test("many errors: at most ten causes, then a count and where to see them all; warnings are bounded too")
    func manyErrors() throws {
        let plugins = (0..<30).map { #"{"type": "bandwidth", "ingressRate": "fast\#($0)", "unknownKeyWithAQuiteLongNameToMakeTheLineLonger\#($0)": 1}"# }
        let conflist = #"{"plugins": [{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}, "#
            + plugins.joined(separator: ", ") + "]}"
        let answer = try answer(Reviews.review(operation: "CREATE", object: Reviews.configMap(data: Reviews.data(conflist: conflist))))
        #expect(answer.allowed == false)
        #expect(answer.causes.count == 11)
        #expect(answer.causes.last?.message.contains("more errors; `eni-config-agent validate --configmap FILE` lists them all") == true)
        #expect(answer.message.split(separator: "\n").count == 12)
        #expect(answer.message.utf8.count < 4096, "short enough for kubectl")
        #expect(answer.warnings.count <= 9)
        #expect(answer.warnings.allSatisfy { $0.count < 120 }, "\(answer.warnings)")
    }

    @Test("dryRun gets the same verdict", arguments: [false, true])
    func dryRun(_ dryRun: Bool) throws {
        let bad = Reviews.configMap(data: Reviews.data(conf: Reviews.mismatchedConf))
        let denied = try answer(Reviews.review(operation: "CREATE", object: bad, dryRun: dryRun))
        #expect(denied.allowed == false)
        #expect(denied.code == 422)
        let allowed = try answer(Reviews.review(operation: "UPDATE", object: Reviews.configMap(), oldObject: bad, dryRun: dryRun))
        #expect(allowed.allowed == true)
    }

    @Test("an UPDATE to an invalid version is denied, even from an invalid one")
    func invalidUpdate() throws {
        let bad = Reviews.configMap(data: Reviews.data(conf: Reviews.mismatchedConf))
        let fromGood = try answer(Reviews.review(operation: "UPDATE", object: bad, oldObject: Reviews.configMap()))
        #expect(fromGood.allowed == false)
        let otherBad = Reviews.configMap(data: Reviews.data(conflist: Reviews.trailingCommaConflist))
        let fromBad = try answer(Reviews.review(operation: "UPDATE", object: otherBad, oldObject: bad))
        #expect(fromBad.allowed == false)
        #expect(fromBad.causes.first?.message.hasPrefix("12:47: ") == true)
    }

    @Test("an UPDATE that leaves an already invalid version's CNI keys alone is allowed, with the errors as warnings")
    func unchangedInvalidUpdate() throws {
        let stored = Reviews.configMap(data: Reviews.data(conf: Reviews.mismatchedConf))
        var data = Reviews.data(conf: Reviews.mismatchedConf)
        data["eni_conf"] = #"{"version": "1", "access_secret": "\#(Reviews.secret)-rotated"}"#
        let labelled = Reviews.configMap(data: data, annotations: ["team": "network"])
        let answer = try answer(Reviews.review(operation: "UPDATE", object: labelled, oldObject: stored))
        #expect(answer.allowed == true)
        #expect(answer.warnings.first == "kube-system/eni-config was invalid before this update, which leaves its CNI keys as they were")
        #expect(answer.warnings.dropFirst().first?.hasPrefix("error: 10-terway.conflist:7:37: plugins[0].capabilities.bandwidth") == true)
        #expect(answer.warnings.allSatisfy { $0.count < 120 })
    }

    @Test("DELETE is denied unless the stored object says the deletion is intended")
    func delete() throws {
        let refused = try answer(Reviews.review(operation: "DELETE", oldObject: Reviews.configMap()))
        #expect(refused.allowed == false)
        #expect(refused.code == 403)
        #expect(refused.reason == "Forbidden")
        #expect(refused.message.contains("kubectl annotate configmap -n kube-system eni-config eni-config-agent/allow-delete=true"))

        let notTrue = Reviews.configMap(annotations: [AdmissionPolicy.deletionAnnotation: "yes"])
        #expect(try answer(Reviews.review(operation: "DELETE", oldObject: notTrue)).allowed == false)

        let intended = Reviews.configMap(annotations: [AdmissionPolicy.deletionAnnotation: "true"])
        let allowed = try answer(Reviews.review(operation: "DELETE", oldObject: intended, dryRun: true))
        #expect(allowed.allowed == true)
        #expect(allowed.warnings == ["kube-system/eni-config deleted on purpose (eni-config-agent/allow-delete); nodes keep their files"])
    }

    /// Requests that reach the webhook but are not about kube-system/eni-config.
    static let otherObjects: [(String, Data)] = {
        let garbage = Reviews.configMap(data: ["10-terway.conflist": "{not json", "eni_conf": Reviews.secret])
        let secretKind = ["group": "", "version": "v1", "kind": "Secret"]
        return [
            ("another ConfigMap in kube-system", Reviews.review(operation: "CREATE", name: "coredns", object: garbage)),
            ("eni-config in another namespace", Reviews.review(operation: "UPDATE", namespace: "default", object: garbage, oldObject: garbage)),
            ("a Secret named eni-config", Reviews.review(
                operation: "CREATE", kind: secretKind, resource: "secrets",
                object: ["apiVersion": "v1", "kind": "Secret", "data": ["x": 1, "y": ["nested": true]]])),
            ("DELETE of another ConfigMap", Reviews.review(operation: "DELETE", name: "kube-proxy", oldObject: garbage)),
        ]
    }()

    @Test("other objects are allowed untouched, their objects not even read", arguments: otherObjects)
    func otherObject(_ what: String, _ body: Data) throws {
        let (request, response) = try reviewer.review(body)
        #expect(response == .allow("705ab4f5-6393-11e8-b7cc-42010a800002"))
        #expect(request.object == nil && request.oldObject == nil)
    }

    @Test("a decoded object keeps no trace of eni_conf or the other annotations")
    func secretsKeptOut() throws {
        let (request, _) = try reviewer.review(Reviews.review(operation: "CREATE", object: Reviews.configMap()))
        let object = try #require(request.object)
        #expect(object.data.conf == Reviews.conf)
        #expect(!String(reflecting: object).contains(Reviews.secret))
        #expect(!"\(object)".contains(Reviews.secret))
    }

    static let malformed: [(String, Data, MalformedReview)] = [
        ("not JSON", Data("{\"apiVersion\": \"admission.k8s.io/v1\", \(Reviews.secret)".utf8), .notJSON("not valid JSON")),
        ("an empty body", Data(), .notJSON("not valid JSON")),
        ("v1beta1", Reviews.json(["apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": [:]]),
         .wrongType(apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview")),
        ("no request", Reviews.json(["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"]), .missingField("request")),
        ("an empty uid", Reviews.review(uid: "", operation: "CREATE", object: Reviews.configMap()), .missingField("request.uid")),
        ("CREATE without object", Reviews.review(operation: "CREATE"), .missingField("request.object")),
        ("UPDATE without oldObject", Reviews.review(operation: "UPDATE", object: Reviews.configMap()), .missingField("request.oldObject")),
        ("a number in data", Reviews.review(operation: "CREATE", object: Reviews.configMap(data: ["eni_conf": 12])),
         .notJSON("request.object.data.eni_conf: expected a string")),
        ("a list as the object", Reviews.review(operation: "CREATE", object: nil).replacing(Data("\"object\":null".utf8), with: Data("\"object\":[\"\(Reviews.secret)\"]".utf8)),
         .notJSON("request.object: expected an object")),
    ]

    @Test("malformed bodies are refused with a reason that quotes none of the body", arguments: malformed)
    func malformedBody(_ what: String, _ body: Data, _ expected: MalformedReview) {
        #expect(throws: expected) { try reviewer.review(body) }
        #expect(!expected.description.contains(Reviews.secret))
    }
}
