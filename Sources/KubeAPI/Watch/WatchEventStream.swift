import AsyncHTTPClient
import NIOCore

/// The events of one open watch, decoded from the response body line by line. Ends
/// when the server closes the stream cleanly; throws a `KubeAPIError` when it breaks
/// (or `CancellationError` when the task is cancelled). Iterate it once.
public struct WatchEventStream: AsyncSequence, Sendable {
    public typealias Element = WatchEvent

    let body: HTTPClientResponse.Body
    let idleReadTimeout: Duration

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator(), idleReadTimeout: idleReadTimeout)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: HTTPClientResponse.Body.AsyncIterator
        let idleReadTimeout: Duration
        var framer = WatchEventFramer()
        var lines: [[UInt8]] = []
        var nextLine = 0

        public mutating func next() async throws -> WatchEvent? {
            while true {
                if nextLine < lines.count {
                    defer { nextLine += 1 }
                    return try WatchEvent(jsonLine: lines[nextLine])
                }
                let chunk: ByteBuffer?
                do {
                    chunk = try await chunks.next()
                } catch {
                    throw KubeAPIError.translating(error, idleReadTimeout: idleReadTimeout, request: "watch stream")
                }
                guard let chunk else {
                    try framer.finish()
                    return nil
                }
                lines = try framer.append(chunk.readableBytesView)
                nextLine = 0
            }
        }
    }
}
