// Whole-process benchmark of `eni-config-agent webhook`, installed as deploy/webhook installs it
// (its own rotation fills the Secret against the sandbox), reviewed over HTTPS on loopback:
//
//   swift build -c release --product eni-config-agent --product webhook-bench --product eni-config-bench
//   .build/release/eni-config-bench --runs 1 --manifest /tmp/big.yaml
//   .build/release/webhook-bench --large-manifest /tmp/big.yaml [--agent .build/release/eni-config-agent]
//       [--rate 200] [--seconds 30] [--large-rate 10] [--large-seconds 20] [--idle-seconds 10]
//
// 1. Idle footprint after start: RSS, peak RSS (VmHWM) and CPU ticks over --idle-seconds.
// 2. Review latency of examples/eni-config.yaml (CREATE) sent open-loop at --rate per second:
//    each request is timed from when it was due, so a slow answer also delays the figures of
//    the requests queued behind it (no coordinated omission). p50 / p99 / max.
// 3. The same for the ~1 MiB ConfigMap of --large-manifest, as CREATE and as UPDATE (the review
//    then carries it twice), at --large-rate.
// 4. Peak RSS over the whole run.
import AsyncHTTPClient
import Foundation
import KubeSandbox
import NIOCore
import NIOSSL

struct Options {
    var agent = ".build/release/eni-config-agent"
    var largeManifest: String?
    var rate = 200
    var seconds = 30
    var largeRate = 10
    var largeSeconds = 20
    var idleSeconds = 10

    init(_ arguments: [String]) {
        var index = 1
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--agent": agent = value
            case "--large-manifest": largeManifest = value
            case "--rate": rate = Int(value) ?? rate
            case "--seconds": seconds = Int(value) ?? seconds
            case "--large-rate": largeRate = Int(value) ?? largeRate
            case "--large-seconds": largeSeconds = Int(value) ?? largeSeconds
            case "--idle-seconds": idleSeconds = Int(value) ?? idleSeconds
            default: fatalError("unknown option \(arguments[index])")
            }
            index += 2
        }
    }
}

func procStatus(_ pid: Int32, _ field: String) -> Int {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// utime + stime in clock ticks.
func cpuTicks(_ pid: Int32) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

func footprint(_ pid: Int32) -> String {
    String(format: "RSS %.1f MB, peak RSS %.1f MB", Double(procStatus(pid, "VmRSS")) / 1024, Double(procStatus(pid, "VmHWM")) / 1024)
}

/// An AdmissionReview of kube-system/eni-config with this data (and the old data for an UPDATE).
func review(_ data: [String: String], old: [String: String]? = nil) -> Data {
    func object(_ data: [String: String]) -> [String: Any] {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "eni-config", "namespace": "kube-system"], "data": data]
    }
    let request: [String: Any] = [
        "uid": UUID().uuidString, "kind": ["group": "", "version": "v1", "kind": "ConfigMap"],
        "resource": ["group": "", "version": "v1", "resource": "configmaps"], "namespace": "kube-system", "name": "eni-config",
        "operation": old == nil ? "CREATE" : "UPDATE", "object": object(data), "oldObject": old.map(object) ?? NSNull(), "dryRun": false,
    ]
    return try! JSONSerialization.data(withJSONObject: ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request])
}

/// Sends `body` at `rate` per second for `seconds`, open loop; returns the latencies (ms) of the
/// answers that allowed the object, and the number of anything else.
func load(_ client: HTTPClient, url: String, body: Data, rate: Int, seconds: Int) async -> (latencies: [Double], failures: Int) {
    let count = rate * seconds
    let interval = Duration.nanoseconds(1_000_000_000 / rate)
    let start = ContinuousClock.now + .milliseconds(100)
    let bytes = ByteBuffer(bytes: body)
    return await withTaskGroup(of: Double?.self) { group in
        for index in 0..<count {
            let due = start + interval * index
            try? await Task.sleep(until: due)
            group.addTask {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(bytes)
                guard let response = try? await client.execute(request, timeout: .seconds(30)),
                      let answer = try? await response.body.collect(upTo: 1 << 20),
                      String(buffer: answer).contains(#""allowed":true"#)
                else { return nil }
                return milliseconds(ContinuousClock.now - due)
            }
        }
        var latencies: [Double] = []
        var failures = 0
        for await latency in group {
            if let latency { latencies.append(latency) } else { failures += 1 }
        }
        return (latencies.sorted(), failures)
    }
}

func report(_ label: String, _ result: (latencies: [Double], failures: Int)) {
    guard !result.latencies.isEmpty else {
        print("\(label): every request failed (\(result.failures))")
        return
    }
    let sorted = result.latencies
    print(String(
        format: "%@: %d answered, %d failed; p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        label, sorted.count, result.failures, percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.last!))
}

let options = Options(CommandLine.arguments)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

// The install's Secret and ValidatingWebhookConfiguration, the seed ConfigMap, the large one.
let sandbox = try Sandbox()
for file in ["deploy/webhook/secret.yaml", "deploy/webhook/validatingwebhookconfiguration.yaml", "examples/eni-config.yaml"] {
    try sandbox.seed(manifest: String(contentsOfFile: file, encoding: .utf8))
}
let seedData = sandbox.configMap(namespace: "kube-system", name: "eni-config")!.data
var largeData: [String: String]?
if let path = options.largeManifest {
    let large = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "namespace: kube-system", with: "namespace: bench")
    try sandbox.seed(manifest: large)
    largeData = sandbox.configMap(namespace: "bench", name: "eni-config")!.data
}
try await sandbox.start()
let kubeconfig = work.appendingPathComponent("kubeconfig").path
try sandbox.writeKubeconfig(to: kubeconfig)

let certificateFile = work.appendingPathComponent("tls.crt").path
let keyFile = work.appendingPathComponent("tls.key").path
let logFile = work.appendingPathComponent("webhook.log").path
FileManager.default.createFile(atPath: logFile, contents: nil)
let webhook = Process()
webhook.executableURL = URL(fileURLWithPath: options.agent)
webhook.arguments = [
    "webhook", "--listen", "127.0.0.1:0", "--tls-cert-file", certificateFile, "--tls-private-key-file", keyFile,
    "--certificate-secret", "eni-config-webhook-tls", "--kubeconfig", kubeconfig, "--log-format", "json",
]
webhook.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
let spawned = ContinuousClock.now
try webhook.run()

// The kubelet's part: the Secret's serving pair, once the rotation has filled it, becomes files.
var secretData: [String: String] = [:]
while secretData["tls.key"] == nil {
    guard ContinuousClock.now - spawned < .seconds(30) else { fatalError("the webhook filled no Secret in 30 s") }
    try await Task.sleep(for: .milliseconds(20))
    let json = sandbox.objectJSON(apiVersion: "v1", kind: "Secret", namespace: "kube-system", name: "eni-config-webhook-tls")
    secretData = (json.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["data"] as? [String: String]) ?? [:]
}
try Data(base64Encoded: secretData["tls.crt"]!)!.write(to: URL(fileURLWithPath: certificateFile))
try Data(base64Encoded: secretData["tls.key"]!)!.write(to: URL(fileURLWithPath: keyFile))
let caPEM = Data(base64Encoded: secretData["ca.crt"]!)!

var port: Int?
while port == nil {
    guard ContinuousClock.now - spawned < .seconds(30) else { fatalError("the webhook did not serve within 30 s") }
    try await Task.sleep(for: .milliseconds(20))
    let lines = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    port = lines.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        .first { $0["msg"] == "eni-config-agent webhook serving" }?["address"]
        .flatMap { Int($0.split(separator: ":").last ?? "") }
}
print(String(format: "exec → serving (Secret filled, files written, reload): %.0f ms", milliseconds(ContinuousClock.now - spawned)))

let pid = webhook.processIdentifier
try await Task.sleep(for: .seconds(2))
let ticks = cpuTicks(pid)
try await Task.sleep(for: .seconds(options.idleSeconds))
print("idle \(options.idleSeconds) s after start: CPU \(cpuTicks(pid) - ticks) ticks (1 tick = 10 ms), \(footprint(pid))")

var configuration = HTTPClient.Configuration()
configuration.dnsOverride = ["eni-config-webhook.kube-system.svc": "127.0.0.1"]
var tls = TLSConfiguration.makeClientConfiguration()
tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM)))
configuration.tlsConfiguration = tls
configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
let url = "https://eni-config-webhook.kube-system.svc:\(port!)/validate-eni-config"

_ = await load(client, url: url, body: review(seedData), rate: 50, seconds: 2)  // warm the connections
report("seed ConfigMap (\(review(seedData).count) B review), \(options.rate)/s for \(options.seconds) s",
       await load(client, url: url, body: review(seedData), rate: options.rate, seconds: options.seconds))
if let largeData {
    let bytes = largeData.values.reduce(0) { $0 + $1.utf8.count }
    let create = review(largeData)
    report(String(format: "%.2f MiB ConfigMap CREATE (%d B review), %d/s for %d s", Double(bytes) / 1_048_576, create.count, options.largeRate, options.largeSeconds),
           await load(client, url: url, body: create, rate: options.largeRate, seconds: options.largeSeconds))
    let update = review(largeData, old: largeData)
    report(String(format: "%.2f MiB ConfigMap UPDATE (%d B review), %d/s for %d s", Double(bytes) / 1_048_576, update.count, options.largeRate, options.largeSeconds),
           await load(client, url: url, body: update, rate: options.largeRate, seconds: options.largeSeconds))
}
print("after the load: \(footprint(pid))")

try await client.shutdown()
kill(pid, SIGTERM)
webhook.waitUntilExit()
await sandbox.shutdown()
