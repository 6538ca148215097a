import Admission
import FoundationEssentials
import Hummingbird
import Logging

/// The webhook's routes: `POST <reviewPath>` answers AdmissionReviews, `GET /healthz` says the
/// process serves. Sizes are checked before anything is decoded.
enum WebhookEndpoints {
    static func router(reviewer: AdmissionReviewer, configuration: WebhookConfiguration, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in text(.ok, "ok\n") }
        router.post(RouterPath(configuration.reviewPath)) { request, _ in
            try await review(request, reviewer: reviewer, limit: configuration.maximumBodyBytes, logger: logger)
        }
        return router
    }

    private static func review(_ request: Request, reviewer: AdmissionReviewer, limit: Int, logger: Logger) async throws -> Response {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first.map { trimmed($0).lowercased() }
        guard mediaType == "application/json" else {
            return text(.unsupportedMediaType, "an AdmissionReview is sent as application/json\n")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return tooLarge(limit)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return tooLarge(limit)
        }
        let request: AdmissionRequest
        let response: AdmissionResponse
        do {
            (request, response) = try reviewer.review(Data(body.readableBytesView))
        } catch {
            logger.warning("refused a malformed AdmissionReview", metadata: ["reason": "\(error)"])
            return text(.badRequest, "\(error)\n")
        }
        log(request, response, guarded: request.isAbout(reviewer.policy.target), logger: logger)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: AdmissionReviewer.encode(response))))
    }

    /// One line per verdict on the guarded ConfigMap (others at debug): what, and the outcome,
    /// never the data.
    private static func log(_ request: AdmissionRequest, _ response: AdmissionResponse, guarded: Bool, logger: Logger) {
        let metadata: Logger.Metadata = [
            "uid": "\(request.uid)", "operation": "\(request.operation)", "object": "\(request.namespace)/\(request.name)",
            "dryRun": "\(request.dryRun)", "allowed": "\(response.allowed)", "warnings": "\(response.warnings.count)",
            "causes": "\(response.status?.causes.count ?? 0)",
        ]
        if guarded {
            logger.info(response.allowed ? "allowed" : "denied", metadata: metadata)
        } else {
            logger.debug("allowed untouched", metadata: metadata)
        }
    }

    private static func tooLarge(_ limit: Int) -> Response {
        text(.contentTooLarge, "the AdmissionReview is larger than \(limit) bytes\n")
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Optional whitespace around a media type (RFC 9110, 5.6.3), trimmed without Foundation.
    private static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return text[first...last]
    }
}
