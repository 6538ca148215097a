// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "eni-config-agent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "eni-config-agent", targets: ["eni-config-agent"]),
        // For fuzz/ (a package of its own, built with -sanitize=fuzzer): the parsers it drives.
        .library(name: "ENIConfig", targets: ["ENIConfig"]),
        .library(name: "ConfigMapSource", targets: ["ConfigMapSource"]),
        .library(name: "KubeAPI", targets: ["KubeAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // The pure core: strict JSON, data keys, validation, canonical render. No I/O.
        .target(
            name: "ENIConfig",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Whole-file reads on POSIX calls with errno text, shared by the three modules that read files.
        .target(name: "SystemFiles"),
        // A YAML error by position and kind, never by the text it failed on (a token, eni_conf's secret).
        .target(name: "YAMLErrors", dependencies: ["Yams"]),
        // Reads a ConfigMap from a manifest (YAML/JSON), a mounted directory or stdin.
        .target(
            name: "ConfigMapSource",
            dependencies: ["ENIConfig", "SystemFiles", "Yams", "YAMLErrors"]
        ),
        // The node side: atomic write, CNI directory inspection, plugin binaries, last-good store.
        .target(
            name: "NodeFiles",
            dependencies: ["ENIConfig", "SystemFiles"]
        ),
        // The API-server side: credentials, requests, watch framing, the list+watch state machine, Events.
        .target(
            name: "KubeAPI",
            dependencies: [
                "SystemFiles",
                "Yams",
                "YAMLErrors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // An in-memory Kubernetes API server for tests, the demo and benchmarks.
        .target(
            name: "KubeSandbox",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                "Yams",
            ]
        ),
        // The reconcile loop, apply policy, status, metrics, HTTP endpoints, shutdown.
        .target(
            name: "Agent",
            dependencies: [
                "ENIConfig", "NodeFiles", "KubeAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "eni-config-agent",
            dependencies: [
                "ENIConfig", "ConfigMapSource", "NodeFiles", "Agent", "KubeSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // In-process benchmark of validate + render on a ConfigMap near the 1 MiB API limit.
        .executableTarget(name: "eni-config-bench", dependencies: ["ENIConfig"]),
        // Whole-process benchmark of `run` against the sandbox: latency, start-up, idle footprint.
        .executableTarget(name: "agent-bench", dependencies: ["KubeSandbox"]),
        // A randomized fault soak of `run` against the sandbox (bench/soak): faults, edits, RSS, the file.
        .executableTarget(
            name: "agent-soak",
            dependencies: [
                "KubeSandbox", "ENIConfig", "NodeFiles", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(
            name: "ENIConfigTests",
            dependencies: ["ENIConfig", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        // Helpers shared by test targets and the soak (a scratch directory, seeded draws); never shipped.
        .target(name: "TestSupport", path: "Tests/Support/TestSupport"),
        .testTarget(name: "SystemFilesTests", dependencies: ["SystemFiles", "TestSupport"]),
        .testTarget(name: "ConfigMapSourceTests", dependencies: ["ConfigMapSource"]),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "KubeSandbox", "eni-config-agent", "ConfigMapSource", "NodeFiles",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Rewrites the node file in a loop, or once under a file size limit or as an unprivileged
        // user, for NodeFilesTests to kill or watch fail; never shipped.
        .executableTarget(
            name: "node-file-churn",
            dependencies: ["NodeFiles", "ENIConfig"],
            path: "Tests/Support/node-file-churn"
        ),
        .testTarget(
            name: "NodeFilesTests",
            dependencies: ["NodeFiles", "ENIConfig", "node-file-churn", "TestSupport"]
        ),
        .testTarget(name: "CLITests", dependencies: ["eni-config-agent", "TestSupport"]),
        .testTarget(
            name: "KubeSandboxTests",
            dependencies: [
                "KubeSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "KubeAPITests",
            dependencies: [
                "KubeAPI", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
