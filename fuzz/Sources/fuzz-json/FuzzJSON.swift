import ENIConfig
import FuzzDriver

/// The strict JSON parser on arbitrary bytes; what it accepts then goes through every rule and
/// the render as a conflist chained after a fixed terway plugin.
@main
enum FuzzJSON {
    static func main() {
        runLibFuzzer { bytes in
            guard (try? JSONParser.parse(bytes)) != nil else { return }
            let conflist = String(decoding: bytes, as: UTF8.self)
            _ = evaluate(ConfigMapData(data: [ConfigMapData.confKey: terway, ConfigMapData.conflistKey: conflist]), on: node)
        }
    }
}

private let terway = #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}"#
private let node = NodeFacts(kernelRelease: "5.10.134-16.al8.x86_64")
