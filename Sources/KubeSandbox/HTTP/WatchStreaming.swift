import Foundation
import Hummingbird

/// Serves one watch: newline-delimited `{"type":…,"object":…}` events, each written (and so
/// flushed) as its own chunk; bookmarks every interval when asked for; closed without an ERROR
/// at the timeout; ended when the client goes away or the sandbox drops watches; cut off
/// mid-body when the sandbox resets them.
struct WatchStreaming: Sendable {
    let resource: any ServedResource
    let format: ResponseFormat
    let timeout: Duration
    /// nil when the client did not ask for bookmarks.
    let bookmarkInterval: Duration?

    func response(for request: Request, opening open: () throws(APIError) -> WatchSubscription) -> Response {
        let headers: HTTPFields = [.contentType: "application/json"]
        let subscription: WatchSubscription
        do {
            subscription = try open()
        } catch {
            // The apiserver reports a version it cannot serve inside the stream, after 200 OK.
            let line = encode(type: "ERROR", object: error.status)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: line)))
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            do {
                try await request.body.consumeWithCancellationOnInboundClose { _ in
                    try await pump(subscription, into: &writer)
                }
            } catch let reset as WatchConnectionReset {
                // Throwing out of the body makes the server close the connection without the
                // terminating chunk: the client sees the stream break, not end.
                subscription.end()
                throw reset
            } catch {
                // The client went away or a write failed: the watch is over either way.
            }
            subscription.end()
            try? await writer.finish(nil)
        })
    }

    private func pump(_ subscription: WatchSubscription, into writer: inout any ResponseBodyWriter) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: timeout)
                subscription.expire()
            }
            if let bookmarkInterval {
                group.addTask {
                    while true {
                        try await Task.sleep(for: bookmarkInterval)
                        subscription.requestBookmark()
                    }
                }
            }
            defer { group.cancelAll() }
            for try await event in subscription.events {
                try await writer.write(ByteBuffer(bytes: encode(event)))
            }
        }
    }

    private func encode(_ event: WatchEvent) -> Data {
        switch event {
        case .change(let type, let stored):
            let wire = resource.fromStorage(stored)
            let object: Document = switch format {
            case .objects: wire
            case .table(let rowObject):
                resource.table.table(
                    stored: [stored], wire: [wire],
                    resourceVersion: stored[path: ["metadata", "resourceVersion"]]?.stringValue ?? "", rowObject: rowObject)
            }
            return encode(type: type.rawValue, object: object)
        case .bookmark(let resourceVersion, let initialEventsEnd):
            var metadata: [String: Document] = ["resourceVersion": .string(String(resourceVersion))]
            if initialEventsEnd {
                metadata["annotations"] = .object(["k8s.io/initial-events-end": "true"])
            }
            return encode(type: "BOOKMARK", object: .object([
                "kind": .string(resource.name.kind), "apiVersion": .string(resource.name.groupVersion),
                "metadata": .object(metadata),
            ]))
        }
    }

    /// `type` first, as the apiserver writes it, and one event per line.
    private func encode(type: String, object: Document) -> Data {
        var line = Data("{\"type\":\"\(type)\",\"object\":".utf8)
        line.append(object.encoded())
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }
}
