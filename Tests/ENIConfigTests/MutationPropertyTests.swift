import ENIConfig
import PropertyBased
import Testing

/// A valid ConfigMap damaged by a few random edits, as a hurried `kubectl edit` might.
struct MutatedConfigMap: Sendable, CustomStringConvertible {
    var data: ConfigMapData
    var edits: [String]

    var description: String { "edits: \(edits)\nconf: \(data.conf ?? "none")\nconflist: \(data.conflist ?? "none")" }

    static let generator = Generator(run: { rng in MutatedConfigMap.random(using: &rng) })

    static func random(using rng: inout some RandomNumberGenerator) -> MutatedConfigMap {
        let valid = ValidConfigMap.random(using: &rng)
        var conf = valid.conf
        var list = valid.list
        var edits: [String] = []
        // Changes to the value first (written out afterwards), then to the text.
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            let onList = list != nil && Bool.random(using: &rng)
            var target = onList ? list! : conf
            target = structuralEdit(target, edits: &edits, using: &rng)
            if onList { list = target } else { conf = target }
        }
        var confText = conf.text(valid.confStyle)
        var listText = list?.text(valid.listStyle)
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            if listText != nil, Bool.random(using: &rng) {
                listText = textEdit(listText!, edits: &edits, using: &rng)
            } else {
                confText = textEdit(confText, edits: &edits, using: &rng)
            }
        }
        return MutatedConfigMap(data: ConfigMapData(conf: confText, conflist: listText), edits: edits)
    }

    /// A changed value, or a duplicated key in some object.
    private static func structuralEdit(_ value: TestJSON, edits: inout [String], using rng: inout some RandomNumberGenerator) -> TestJSON {
        let index = Int.random(in: 0..<value.valueCount, using: &rng)
        let replacement = randomValue(depth: 1, using: &rng)
        return value.replacing(at: index) { old in
            if case .object(let members) = old, let duplicated = members.randomElement(using: &rng), Bool.random(using: &rng) {
                edits.append("duplicate key \(duplicated.key)")
                return .object(members + [duplicated])
            }
            edits.append("value #\(index) -> \(replacement.text(.compact))")
            return replacement
        }
    }

    /// A flipped byte or a deleted run of bytes.
    private static func textEdit(_ text: String, edits: inout [String], using rng: inout some RandomNumberGenerator) -> String {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return text }
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        if Bool.random(using: &rng) {
            let byte = Array(#"{}[]:,"\ 0-e.tn"#.utf8).randomElement(using: &rng)!
            edits.append("byte \(at) -> \(Character(Unicode.Scalar(byte)))")
            bytes[at] = byte
        } else {
            let end = min(bytes.count, at + Int.random(in: 1...12, using: &rng))
            edits.append("delete \(at)..<\(end)")
            bytes.removeSubrange(at..<end)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite struct MutationPropertyTests {
    @Test func mutatedConfigMapsGetConsistentAnswersAndOnlyValidRenders() async throws {
        await propertyCheck(count: 400, input: MutatedConfigMap.generator) { mutated in
            let evaluation = evaluate(mutated.data)
            #expect(evaluate(mutated.data) == evaluation, "deterministic")
            #expect(evaluation.isValid == !evaluation.diagnostics.hasErrors, "\(mutated)")
            for finding in evaluation.diagnostics {
                #expect(finding.key == nil || ConfigMapData.ourKeys.contains(finding.key!))
                #expect((finding.line == nil) == (finding.column == nil))
                #expect(!finding.message.isEmpty)
            }
            let places = evaluation.diagnostics.map { ($0.key ?? "", $0.line ?? 0, $0.column ?? 0) }
            #expect(zip(places, places.dropFirst()).allSatisfy { pair in pair.0 <= pair.1 }, "diagnostics in order of key and place")

            guard let rendered = evaluation.conflist else { return }
            let again = evaluate(try reappliedConfigMap(rendered))
            #expect(!again.diagnostics.hasErrors, "a produced conflist must itself be valid: \(again.diagnostics)\n\(mutated)")
            #expect(again.conflist?.bytes == rendered.bytes)
        }
    }

    @Test func duplicateKeysAreAlwaysRejected() async {
        await propertyCheck(count: 100, input: ValidConfigMap.generator) { valid in
            guard case .object(let members) = valid.conf, let first = members.first else { return }
            let duplicated = TestJSON.object(members + [first])
            let evaluation = evaluate(ConfigMapData(conf: duplicated.text(valid.confStyle), conflist: valid.list?.text(valid.listStyle)))
            #expect(evaluation.findings(.jsonSyntax).map(\.key) == [ConfigMapData.confKey])
            #expect(!evaluation.isValid)
        }
    }
}
