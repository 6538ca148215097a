import FuzzDriver
import KubeAPI

/// A watch response body as the network may cut it: the first byte chooses the chunk sizes the
/// rest is fed to the framer in, and every line it frames is decoded as an event.
@main
enum FuzzWatchStream {
    static func main() {
        runLibFuzzer { input in
            guard let first = input.first else { return }
            let chunkSize = Int(first) + 1
            let body = input.dropFirst()
            // A small limit, so that the over-long-line path is reached by inputs of fuzzing size.
            var framer = WatchEventFramer(maximumLineLength: 4096)
            var start = body.startIndex
            while start < body.endIndex {
                let end = min(start + chunkSize, body.endIndex)
                guard let lines = try? framer.append(body[start..<end]) else { return }
                for line in lines { _ = try? WatchEvent(jsonLine: line) }
                start = end
            }
            _ = try? framer.finish()
        }
    }
}
