import Foundation
@testable import KubeSandbox
import Testing

/// The three patch formats on documents, without a server.
@Suite("patches")
struct PatchTests {
    func document(_ json: String) throws -> Document {
        try Document.parse(Data(json.utf8))
    }

    @Test("merge patch: objects merge, null deletes, arrays and scalars replace")
    func mergePatch() throws {
        let target = try document(#"{"a":{"b":1,"c":2},"list":[1,2],"keep":true}"#)
        let patch = try document(#"{"a":{"b":null,"d":{"e":3}},"list":[3],"new":"x"}"#)
        #expect(MergePatch.apply(patch, to: target) == (try document(#"{"a":{"c":2,"d":{"e":3}},"list":[3],"keep":true,"new":"x"}"#)))
        #expect(MergePatch.apply(try document("[1]"), to: target) == .array([.integer(1)]), "a non-object patch replaces the whole")
    }

    @Test("strategic merge: merge semantics plus the directives kubectl writes")
    func strategicMerge() throws {
        let target = try document(#"{"metadata":{"finalizers":["a"],"ownerReferences":[{"uid":"1","name":"x"}],"labels":{"l":"1"}},"data":{"k":"v","old":"o"}}"#)
        let patch = try document(#"""
            {"metadata":{"finalizers":["b","a"],"ownerReferences":[{"uid":"1","name":"y"},{"uid":"2","name":"z"}],
                         "$setElementOrder/finalizers":["b","a"],"labels":{"$patch":"replace","n":"2"}},
             "data":{"old":null,"k":"w"}}
            """#)
        let merged = try StrategicMergePatch.apply(patch, to: target)
        #expect(merged[path: ["metadata", "finalizers"]] == .array(["a", "b"]), "finalizers merge as a set")
        #expect(merged[path: ["metadata", "ownerReferences"]] == (try document(#"[{"uid":"1","name":"y"},{"uid":"2","name":"z"}]"#)))
        #expect(merged[path: ["metadata", "labels"]] == (try document(#"{"n":"2"}"#)), "$patch: replace swaps the map")
        #expect(merged["data"] == (try document(#"{"k":"w"}"#)))

        let deletion = try document(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]},"data":{"$patch":"delete"}}"#)
        let pruned = try StrategicMergePatch.apply(deletion, to: target)
        #expect(pruned[path: ["metadata", "finalizers"]] == .array([]))
        #expect(pruned["data"] == nil)

        #expect(throws: APIError.self) { try StrategicMergePatch.apply(try document(#"{"$patch":"explode"}"#), to: target) }
    }

    @Test("JSON patch: every operation, escaped pointers, failures as 422")
    func jsonPatch() throws {
        let target = try document(#"{"data":{"a/b":"1","t~x":"2"},"list":[1,2]}"#)
        let patch = try document(#"""
            [{"op":"test","path":"/data/a~1b","value":"1"},
             {"op":"replace","path":"/data/t~0x","value":"3"},
             {"op":"add","path":"/list/-","value":4},
             {"op":"add","path":"/list/0","value":0},
             {"op":"copy","from":"/data/a~1b","path":"/copied"},
             {"op":"move","from":"/copied","path":"/moved"},
             {"op":"remove","path":"/list/1"}]
            """#)
        let patched = try JSONPatch.apply(patch, to: target)
        #expect(patched == (try document(#"{"data":{"a/b":"1","t~x":"3"},"list":[0,2,4],"moved":"1"}"#)))

        let removal = try document(#"[{"op":"remove","path":"/data/missing"}]"#)
        do {
            _ = try JSONPatch.apply(removal, to: target)
            Issue.record("removing a missing key must fail")
        } catch {
            #expect(error.code == 422)
            #expect(error.message.contains("/data/missing"))
        }
        #expect(throws: APIError.self) { try JSONPatch.apply(try document(#"{"op":"add"}"#), to: target) }
    }
}

@Suite("selectors, schema and time")
struct ModelTests {
    @Test("label selectors: equality, sets and existence")
    func labelSelector() throws {
        let object = Document.object(["metadata": .object(["labels": .object(["tier": "web", "env": "prod"])])])
        let cases: [(String, Bool)] = [
            ("tier=web", true), ("tier==web,env=prod", true), ("tier!=web", false), ("tier in (api, web)", true),
            ("tier notin (web)", false), ("env", true), ("!env", false), ("!missing", true), ("missing", false),
        ]
        for (text, expected) in cases {
            #expect(try LabelSelector(parsing: text).matches(object) == expected, "\(text)")
        }
        #expect(throws: APIError.self) { try LabelSelector(parsing: "tier within (web)") }
    }

    @Test("field selectors accept only the labels a resource supports")
    func fieldSelector() throws {
        let configMaps = ConfigMapResource()
        let object = Document.object(["metadata": .object(["name": "eni-config", "namespace": "kube-system"])])
        #expect(try FieldSelector(parsing: "metadata.name=eni-config", for: configMaps).matches(object, in: configMaps))
        #expect(try !FieldSelector(parsing: "metadata.name!=eni-config", for: configMaps).matches(object, in: configMaps))
        do throws(APIError) {
            _ = try FieldSelector(parsing: "data.x=1", for: configMaps)
            Issue.record("unsupported field label accepted")
        } catch {
            #expect(error.message == "field label not supported: data.x")
        }
    }

    @Test("MicroTime needs six fractional digits; Time takes any")
    func timestamps() {
        #expect(KubeTime.parseMicro("2025-01-02T03:04:05.123456Z") != nil)
        #expect(KubeTime.parseMicro("2025-01-02T03:04:05.123Z") == nil)
        #expect(KubeTime.parseMicro("2025-01-02T03:04:05Z") == nil)
        #expect(KubeTime.parse("2025-01-02T03:04:05.5+02:00") == KubeTime.parse("2025-01-02T01:04:05.5Z"))
        #expect(KubeTime.parse("2025-02-30T00:00:00Z") == nil)
        let date = Date(timeIntervalSince1970: 1_735_787_045.25)
        #expect(KubeTime.formatMicro(date) == "2025-01-02T03:04:05.250000Z")
        #expect(KubeTime.format(date) == "2025-01-02T03:04:05Z")
    }

    @Test("ages print as kubectl prints them")
    func humanDuration() {
        let cases: [(TimeInterval, String)] = [
            (-5, "<invalid>"), (-1, "0s"), (59, "59s"), (119, "119s"), (125, "2m5s"), (600, "10m"),
            (3 * 3600 + 5 * 60, "3h5m"), (30 * 3600, "30h"), (3 * 86400 + 3600, "3d1h"), (30 * 86400, "30d"),
            (3 * 365 * 86400 + 86400, "3y1d"), (9 * 365 * 86400, "9y"),
        ]
        for (interval, expected) in cases {
            #expect(HumanDuration.describe(interval) == expected, "\(interval)")
        }
    }
}
