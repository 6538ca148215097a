// swift-tools-version: 6.1
// libFuzzer targets for the parsers that read what others write: the strict JSON parser (the
// ConfigMap's keys), the ConfigMap manifest reader (`--configmap`), and the watch-event framer
// and decoder (the API server's stream). A package of its own so that the fuzzer's
// instrumentation (`-sanitize=fuzzer`) never reaches the product's build; `fuzz/run` builds and
// runs them.
import Foundation
import PackageDescription

/// SwiftPM names a package given by path after its directory: whatever the checkout is called.
let agent = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "eni-config-agent-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // libFuzzer's driver entry, declared for Swift; libFuzzer itself comes with -sanitize=fuzzer.
        .target(name: "CLibFuzzer"),
        // The main every target shares: hands libFuzzer's inputs to the target's test as a buffer.
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"]),
        .executableTarget(
            name: "fuzz-json",
            dependencies: ["FuzzDriver", .product(name: "ENIConfig", package: agent)]),
        .executableTarget(
            name: "fuzz-configmap",
            dependencies: [
                "FuzzDriver",
                .product(name: "ConfigMapSource", package: agent),
                .product(name: "ENIConfig", package: agent),
            ]),
        .executableTarget(
            name: "fuzz-watch-stream",
            dependencies: ["FuzzDriver", .product(name: "KubeAPI", package: agent)]),
    ]
)
