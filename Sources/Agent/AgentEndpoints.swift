import FoundationEssentials
import Hummingbird

/// `/healthz`, `/readyz`, `/metrics`, `/status` (docs/contracts.md, "Endpoints").
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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var body = try encoder.encode(await state.status())
            body.append(0x0A)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        return router
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
