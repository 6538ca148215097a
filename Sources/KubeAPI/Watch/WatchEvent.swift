#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One event of a ConfigMap watch stream.
public enum WatchEvent: Sendable, Equatable {
    case added(ConfigMapObject)
    case modified(ConfigMapObject)
    case deleted(ConfigMapObject)
    /// The server's "nothing changed up to here": only a resource version.
    case bookmark(resourceVersion: String)
    /// The server ends the watch with a `Status`, e.g. 410 `Expired`.
    case error(KubeStatus)

    /// Decodes one line of a watch stream, `{"type":"…","object":{…}}`.
    public init(jsonLine line: some Collection<UInt8>) throws(KubeAPIError) {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(line))
        } catch let error as KubeAPIError {
            throw error
        } catch {
            // The decoder's message names the position, never the data (which may hold secrets).
            throw .malformedResponse("a watch event is not valid JSON: \(Self.summary(of: error))")
        }
        self = envelope.event
    }

    private struct Envelope: Decodable {
        let event: WatchEvent

        private enum CodingKeys: String, CodingKey {
            case type, object
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let type = try container.decode(String.self, forKey: .type)
            if type == "ERROR" {
                event = .error(try container.decode(KubeStatus.self, forKey: .object))
                return
            }
            let object = try container.decode(ConfigMapWire.Object.self, forKey: .object)
            let context = "\(type) event"
            switch type {
            case "ADDED": event = .added(try object.configMap(context: context))
            case "MODIFIED": event = .modified(try object.configMap(context: context))
            case "DELETED": event = .deleted(try object.configMap(context: context))
            case "BOOKMARK":
                guard let version = object.metadata?.resourceVersion, !version.isEmpty else {
                    throw KubeAPIError.malformedResponse("a BOOKMARK event has no metadata.resourceVersion")
                }
                event = .bookmark(resourceVersion: version)
            default:
                throw KubeAPIError.malformedResponse(
                    "unknown watch event type \"\(type)\" (expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR)"
                )
            }
        }
    }

    /// The resource version the event carries; nil for `ERROR`.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object.resourceVersion
        case .bookmark(let version): version
        case .error: nil
        }
    }

    /// A decoding error in one line, without the debug description's underlying data.
    static func summary(of error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .dataCorrupted(let context), .keyNotFound(_, let context),
             .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "\(decoding)"
        }
    }
}
