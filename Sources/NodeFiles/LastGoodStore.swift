#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ENIConfig

/// The last node file this agent applied, kept in `--state-dir` so that a restarted agent (or an
/// operator) knows what good looked like even after the node file was changed by someone else.
public struct LastGoodRecord: Sendable, Hashable {
    public var conflist: RenderedConflist
    /// The ConfigMap's `metadata.resourceVersion` the bytes were rendered from; nil when the
    /// ConfigMap came from a file.
    public var resourceVersion: String?
    /// Kept to the millisecond.
    public var appliedAt: Date

    public init(conflist: RenderedConflist, resourceVersion: String?, appliedAt: Date) {
        self.conflist = conflist
        self.resourceVersion = resourceVersion
        self.appliedAt = appliedAt
    }
}

/// `<state-dir>/last-good.json`: one JSON document holding the bytes and their metadata, so that
/// both are replaced together by the same atomic write as the node file.
public struct LastGoodStore: Sendable, Hashable {
    public static let fileName = "last-good.json"

    public let directory: String

    /// `directory` is created on the first `record` when missing.
    public init(directory: String) {
        self.directory = directory
    }

    public var filePath: String { joinPath(directory, Self.fileName) }

    public func record(_ conflist: RenderedConflist, resourceVersion: String?, appliedAt: Date) throws(NodeFileError) {
        guard let text = String(validating: conflist.bytes, as: UTF8.self) else {
            throw NodeFileError(
                operation: "record the last-good copy in", path: filePath,
                reason: "the rendered bytes are not UTF-8, which a render never produces",
                remedy: "report this as a bug in the renderer")
        }
        let stored = StoredRecord(
            sha256: conflist.sha256, resourceVersion: resourceVersion,
            appliedAt: appliedAt.formatted(Self.timestampStyle), pluginTypes: conflist.pluginTypes, conflist: text)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document: Data
        do {
            document = try encoder.encode(stored)
        } catch {
            throw NodeFileError(
                operation: "encode the last-good record for", path: filePath, reason: "\(error)",
                remedy: "report this as a bug")
        }
        let state = try LockedDirectory(path: directory)
        if case .replaced(let notDurable?) = try state.replaceFile(named: Self.fileName, with: Array(document) + [UInt8(ascii: "\n")]) {
            throw notDurable
        }
    }

    /// The recorded copy, nil when nothing was recorded yet. A record whose bytes no longer match
    /// their SHA-256 is an error, never silently trusted.
    public func load() throws(NodeFileError) -> LastGoodRecord? {
        guard let document = try readFileIfPresent(filePath) else { return nil }
        let stored: StoredRecord
        let appliedAt: Date
        do {
            stored = try JSONDecoder().decode(StoredRecord.self, from: Data(document))
            appliedAt = try Self.timestampStyle.parse(stored.appliedAt)
        } catch {
            throw damaged("it is not a last-good record (\(error))")
        }
        let conflist = RenderedConflist(bytes: Array(stored.conflist.utf8), pluginTypes: stored.pluginTypes)
        guard conflist.sha256 == stored.sha256 else {
            throw damaged("its sha256 \(stored.sha256) does not match its conflist (\(conflist.sha256))")
        }
        return LastGoodRecord(conflist: conflist, resourceVersion: stored.resourceVersion, appliedAt: appliedAt)
    }

    private func damaged(_ reason: String) -> NodeFileError {
        NodeFileError(
            operation: "load the last-good record", path: filePath, reason: reason,
            remedy: "remove the file; the next successful apply records a new one")
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

/// The file's layout; `conflist` is the node file's text, kept readable for operators.
private struct StoredRecord: Codable {
    var sha256: String
    var resourceVersion: String?
    var appliedAt: String
    var pluginTypes: [String]
    var conflist: String
}
