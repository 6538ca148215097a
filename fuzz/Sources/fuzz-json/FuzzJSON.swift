import ENIConfig
import Glibc
import LibFuzzerDriver

/// The strict JSON parser on arbitrary bytes; what it accepts then goes through every rule and
/// the render as a conflist chained after a fixed terway plugin.
func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard (try? JSONParser.parse(bytes)) != nil else { return 0 }
    let text = String(decoding: bytes, as: UTF8.self)
    _ = evaluate(ConfigMapData(data: [ConfigMapData.confKey: terway, ConfigMapData.conflistKey: text]), on: node)
    return 0
}

private let terway = #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}"#
private let node = NodeFacts(kernelRelease: "5.10.134-16.al8.x86_64")

@main
enum Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    }
}
