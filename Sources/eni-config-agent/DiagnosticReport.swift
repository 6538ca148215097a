import CommandLineSupport
import ConfigMapSource
import ENIConfig
import FoundationEssentials

/// Prints diagnostics: text lines on standard error, or a JSON array on standard output.
struct DiagnosticReport {
    let source: LoadedConfigMap
    let diagnostics: [Diagnostic]

    /// One line each; where the key's text maps onto the manifest, the manifest's `file:line:column` too.
    func printText() {
        for diagnostic in diagnostics {
            if let location = source.sourceLocation(of: diagnostic) {
                Console.error("\(diagnostic) (at \(location))")
            } else {
                Console.error(diagnostic.description)
            }
        }
    }

    func printJSON() throws {
        let entries = diagnostics.map { Entry(diagnostic: $0, source: source.sourceLocation(of: $0)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Console.output(bytes: Array(try encoder.encode(entries)) + [0x0A])
    }

    func print(_ format: OutputFormat) throws {
        switch format {
        case .text: printText()
        case .json: try printJSON()
        }
    }

    var summary: String {
        let errors = diagnostics.errors.count
        let warnings = diagnostics.warnings.count
        return "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    }

    /// The JSON shape of one diagnostic: the Diagnostic's own fields plus the manifest location.
    private struct Entry: Encodable {
        let diagnostic: Diagnostic
        let source: String?

        enum CodingKeys: String, CodingKey {
            case severity, rule, key, path, line, column, message, source
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(diagnostic.severity, forKey: .severity)
            try container.encode(diagnostic.rule, forKey: .rule)
            try container.encodeIfPresent(diagnostic.key, forKey: .key)
            try container.encodeIfPresent(diagnostic.path, forKey: .path)
            try container.encodeIfPresent(diagnostic.line, forKey: .line)
            try container.encodeIfPresent(diagnostic.column, forKey: .column)
            try container.encode(diagnostic.message, forKey: .message)
            try container.encodeIfPresent(source, forKey: .source)
        }
    }
}
