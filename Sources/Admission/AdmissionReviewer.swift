import FoundationEssentials

/// An `admission.k8s.io/v1` AdmissionReview in, the AdmissionReview answer out. Pure: no
/// clock, no I/O; the HTTP server around it owns sizes, TLS and logging.
public struct AdmissionReviewer: Sendable {
    public let policy: AdmissionPolicy

    public init(policy: AdmissionPolicy = AdmissionPolicy()) {
        self.policy = policy
    }

    /// The decoded request and the answer to it; throws for a body that is no AdmissionReview.
    public func review(_ body: Data) throws(MalformedReview) -> (request: AdmissionRequest, response: AdmissionResponse) {
        let request = try decode(body)
        return (request, try policy.respond(to: request))
    }

    /// The AdmissionReview that carries `response`.
    public static func encode(_ response: AdmissionResponse) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, booleans and integers only: encoding cannot fail.
        return (try? encoder.encode(Envelope(response: response))) ?? Data()
    }

    private func decode(_ body: Data) throws(MalformedReview) -> AdmissionRequest {
        let decoder = JSONDecoder()
        decoder.userInfo[AdmissionRequest.targetKey] = policy.target
        let review: Review
        do {
            review = try decoder.decode(Review.self, from: body)
        } catch {
            throw .notJSON(Self.summary(of: error))
        }
        guard review.apiVersion == "admission.k8s.io/v1", review.kind == "AdmissionReview" else {
            throw .wrongType(apiVersion: review.apiVersion ?? "", kind: review.kind ?? "")
        }
        guard let request = review.request else { throw .missingField("request") }
        guard !request.uid.isEmpty else { throw .missingField("request.uid") }
        return request
    }

    private struct Review: Decodable {
        var apiVersion: String?
        var kind: String?
        var request: AdmissionRequest?

        private enum Keys: String, CodingKey {
            case apiVersion, kind, request
        }

        /// The request is read only from an AdmissionReview v1: another version's fields differ.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
            kind = try container.decodeIfPresent(String.self, forKey: .kind)
            guard apiVersion == "admission.k8s.io/v1", kind == "AdmissionReview" else { return }
            request = try container.decodeIfPresent(AdmissionRequest.self, forKey: .request)
        }
    }

    private struct Envelope: Encodable {
        let apiVersion = "admission.k8s.io/v1"
        let kind = "AdmissionReview"
        let response: AdmissionResponse
    }

    /// Where decoding failed and what was expected, never the text found there (it may be a secret).
    private static func summary(of error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "it cannot be decoded" }
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "the top level" : String(path.dropFirst(path.hasPrefix(".") ? 1 : 0))
        }
        switch decoding {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "not valid JSON"
        case .dataCorrupted(let context):
            return "\(at(context)): invalid value"
        case .keyNotFound(let key, let context):
            return "\(at(context)): \(key.stringValue) is missing"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(at(context)): expected \(Self.jsonType(type))"
        @unknown default:
            return "it cannot be decoded"
        }
    }

    private static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Double.Type: "a number"
        default: "an object"
        }
    }
}
