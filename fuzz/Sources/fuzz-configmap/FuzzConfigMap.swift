import ConfigMapSource
import ENIConfig
import FuzzDriver

/// The manifest reader (YAML or JSON, as `kubectl get cm -o yaml|json` prints it) on arbitrary
/// text, and what it reads through validation and the render, as `validate --configmap` does.
/// Bytes that are not UTF-8 stop at `ConfigMapInput` before this reader, so they stop here too.
@main
enum FuzzConfigMap {
    static func main() {
        runLibFuzzer { bytes in
            guard let text = String(validating: bytes, as: UTF8.self),
                let loaded = try? ConfigMapManifest.parse(text, origin: "fuzz")
            else { return }
            _ = evaluate(loaded.data, on: node)
        }
    }
}

private let node = NodeFacts(kernelRelease: "5.10.134-16.al8.x86_64")
