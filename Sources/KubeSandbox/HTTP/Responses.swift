import Foundation
import Hummingbird

extension Response {
    static func json(_ document: Document, status: HTTPResponse.Status = .ok, warnings: [String] = []) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if !warnings.isEmpty {
            // One header holding a comma-separated list, which client-go's warning parser splits.
            let values = warnings.map { "299 - \"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" }
            headers[.init("Warning")!] = values.joined(separator: ", ")
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: document.encoded())))
    }

    static func status(_ error: APIError) -> Response {
        var response = json(error.status, status: HTTPResponse.Status(code: error.code), warnings: error.warnings)
        if let seconds = error.retryAfterSeconds {
            response.headers[.retryAfter] = String(seconds)
        }
        return response
    }
}
