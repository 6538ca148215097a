import ConfigMapSource
import ENIConfig
import Glibc
import LibFuzzerDriver

/// The manifest reader (YAML or JSON, as `kubectl get cm -o yaml|json` prints it) on arbitrary
/// text, and what it reads through validation and the render, as `validate --configmap` does.
/// Bytes that are not UTF-8 stop at `ConfigMapInput` before this reader, so they stop here too.
func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self),
        let loaded = try? ConfigMapManifest.parse(text, origin: "fuzz")
    else { return 0 }
    _ = evaluate(loaded.data, on: node)
    return 0
}

private let node = NodeFacts(kernelRelease: "5.10.134-16.al8.x86_64")

@main
enum Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    }
}
