import FoundationEssentials
import Hummingbird

/// `/healthz`, `/readyz`, `/metrics`, `/status`, `/nodefile` (docs/contracts.md, "Endpoints").
public enum AgentEndpoints {
    public static func router(state: AgentState) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in
            await state.isAlive
                ? text(.ok, "ok\n")
                : text(.serviceUnavailable, "the reconcile loop has stopped\n")
        }
        router.get("readyz") { _, _ in
            switch await state.readiness() {
            case .ready: text(.ok, "ok\n")
            case .notReady(let reason): text(.serviceUnavailable, reason + "\n")
            }
        }
        router.get("metrics") { _, _ in
            await state.refreshMetrics()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: state.metrics.exposition())))
        }
        router.get("status") { _, _ in
            try json(await state.status())
        }
        router.get("nodefile") { _, _ in
            try json(await state.nodeFileReport())
        }
        return router
    }

    private static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var body = try encoder.encode(value)
        body.append(0x0A)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
