import KubeAPI
import Glibc
import LibFuzzerDriver

/// A watch response body as the network may cut it: the first byte chooses the chunk sizes the
/// rest is fed to the framer in, and every line it frames is decoded as an event.
func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let chunkSize = Int(data[0]) + 1
    // A small limit, so that the over-long-line path is reached by inputs of fuzzing size.
    var framer = WatchEventFramer(maximumLineLength: 4096)
    var start = 0
    while start < body.count {
        let end = min(start + chunkSize, body.count)
        guard let lines = try? framer.append(body[start..<end]) else { return 0 }
        for line in lines { _ = try? WatchEvent(jsonLine: line) }
        start = end
    }
    _ = try? framer.finish()
    return 0
}

@main
enum Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    }
}
