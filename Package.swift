// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "eni-config-agent",
    platforms: [.macOS(.v15)],
    products: [
        // The shipped binary: validate, render, diff, run.
        .executable(name: "eni-config-agent", targets: ["eni-config-agent"]),
        // `kubectl eni-config` (krew naming), for operators: the fleet's view, chain edits, rollouts.
        .executable(name: "kubectl-eni_config", targets: ["kubectl-eni_config"]),
        // For people and tests, never shipped: the sandbox API server, the fleet and the demo.
        .executable(name: "eni-config-dev", targets: ["eni-config-dev"]),
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
        // Without its default traits: "FullFoundation" would link full Foundation (and ICU) into
        // the agent for a form decoder it never uses; "ConfigurationSupport" is unused too.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
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
        // libyaml, from the system (Debian's libyaml-dev): the C parser under YAMLReader.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // YAML text to nodes with positions, typed as kubectl types them; no Foundation, so the
        // agent does not link ICU (Yams, used by the sandbox and tests, needs full Foundation).
        .target(name: "YAMLReader", dependencies: ["CYAML"]),
        // Reads a ConfigMap from a manifest (YAML/JSON), a mounted directory or stdin.
        .target(
            name: "ConfigMapSource",
            dependencies: ["ENIConfig", "SystemFiles", "YAMLReader"]
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
                "YAMLReader",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // An in-memory Kubernetes API server for tests, the demo and benchmarks; never linked
        // into eni-config-agent.
        .target(
            name: "KubeSandbox",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                "Yams",
            ]
        ),
        // A simulated cluster on the sandbox: Nodes, the agent's DaemonSet, and one real agent
        // process per node with its own node root. For eni-config-dev, tests and benchmarks.
        .target(name: "Fleet", dependencies: ["KubeSandbox", "TestSupport", "Yams"]),
        // The version the binaries report (the release, plus `git describe` when the build has a checkout).
        .target(name: "AgentVersion", plugins: ["GitDescribe"]),
        .plugin(name: "GitDescribe", capability: .buildTool()),
        // The admission webhook's decision, pure: an AdmissionReview in, the answer out.
        .target(name: "Admission", dependencies: ["ENIConfig"]),
        // The webhook's HTTPS server: AdmissionReviews in, answers out, certificate files re-read.
        .target(
            name: "WebhookServer",
            dependencies: [
                "Admission", "SystemFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The webhook's certificates without cert-manager: one CA in one Secret, its own caBundle patched.
        .target(
            name: "WebhookCertificates",
            dependencies: [
                "KubeAPI",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The reconcile loop, apply policy, status, metrics, HTTP endpoints, shutdown.
        .target(
            name: "Agent",
            dependencies: [
                "ENIConfig", "NodeFiles", "KubeAPI", "AgentVersion",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the executables share: the exit-code contract, unbuffered console output, and a
        // unified diff for what they show before and after.
        .target(
            name: "CommandLineSupport",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "eni-config-agent",
            dependencies: [
                "ENIConfig", "ConfigMapSource", "NodeFiles", "Agent", "AgentVersion", "CommandLineSupport",
                "WebhookServer", "WebhookCertificates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What `kubectl eni-config` does, as a library: the fleet view, the rollout, over KubeAPI.
        .target(name: "ENIConfigPlugin", dependencies: ["ENIConfig", "KubeAPI"]),
        // `kubectl eni-config` (krew naming): never linked into the agent.
        .executableTarget(
            name: "kubectl-eni_config",
            dependencies: [
                "ENIConfigPlugin", "ENIConfig", "KubeAPI", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "eni-config-dev",
            dependencies: [
                "Agent", "AgentVersion", "CommandLineSupport", "ENIConfig", "Fleet", "KubeAPI", "KubeSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // In-process benchmark of validate + render on a ConfigMap near the 1 MiB API limit.
        .executableTarget(name: "eni-config-bench", dependencies: ["ENIConfig"]),
        // Whole-process benchmark of `run` against the sandbox: latency, start-up, idle footprint.
        .executableTarget(name: "agent-bench", dependencies: ["KubeSandbox"]),
        // Whole-process benchmark of `webhook`: idle footprint, review latency under load.
        .executableTarget(
            name: "webhook-bench",
            dependencies: [
                "KubeSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Whole-fleet benchmark: N agent processes against the sandbox (docs/benchmarks.md, "Fleet").
        .executableTarget(name: "fleet-bench", dependencies: ["Fleet", "KubeSandbox", "ENIConfigPlugin", "KubeAPI"]),
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
        // Helpers shared by test targets and the soak (a scratch directory, the real kubectl, seeded draws); never shipped.
        .target(name: "TestSupport", path: "Tests/Support/TestSupport"),
        .testTarget(name: "AdmissionTests", dependencies: ["Admission", "ENIConfig", "ConfigMapSource"]),
        .testTarget(
            name: "WebhookCertificatesTests",
            dependencies: [
                "WebhookCertificates", "KubeAPI", "KubeSandbox",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The webhook over HTTPS, and end to end: the real kubectl, the sandbox calling the webhook.
        .testTarget(
            name: "WebhookServerTests",
            dependencies: [
                "WebhookServer", "WebhookCertificates", "Admission", "KubeAPI", "KubeSandbox", "TestSupport", "eni-config-agent",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "SystemFilesTests", dependencies: ["SystemFiles", "TestSupport"]),
        .testTarget(name: "ConfigMapSourceTests", dependencies: ["ConfigMapSource"]),
        .testTarget(name: "YAMLReaderTests", dependencies: ["YAMLReader"]),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "AgentVersion", "KubeAPI", "KubeSandbox", "eni-config-agent", "ConfigMapSource", "NodeFiles",
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
        .testTarget(name: "CLITests", dependencies: ["eni-config-agent", "eni-config-dev", "CommandLineSupport", "TestSupport"]),
        .testTarget(
            name: "KubeSandboxTests",
            dependencies: [
                "KubeSandbox", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ENIConfigPluginTests", dependencies: ["ENIConfigPlugin", "ENIConfig"]),
        .testTarget(
            name: "FleetTests",
            dependencies: [
                "Fleet", "KubeSandbox", "eni-config-agent", "eni-config-dev", "kubectl-eni_config", "ENIConfigPlugin", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
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
