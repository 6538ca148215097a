// Benchmarks of the pure core on a ConfigMap near the API server's 1 MiB limit.
//
//   swift run -c release eni-config-bench                 # in-process: evaluate (validate + render)
//   swift run -c release eni-config-bench --manifest F    # also write the ConfigMap as a manifest, for
//                                                         # whole-process timing of `eni-config-agent validate`
// Prints min / median / p99 / max over the runs, of wall and CPU time; `bench/run` runs both.
import ENIConfig
import Foundation

/// A terway plugin followed by chained tuning plugins with many sysctls until the data is ~1 MiB.
func largeConfigMap(targetBytes: Int = 1_000_000) -> (conf: String, conflist: String) {
    let conf = """
        {
          "cniVersion": "0.4.0",
          "name": "terway",
          "type": "terway",
          "capabilities": {"bandwidth": true}
        }
        """
    var plugins = [conf]
    var size = conf.utf8.count * 2
    var index = 0
    while size < targetBytes - 2_000 {
        let sysctls = (0..<20).map { "\"net.ipv4.conf.eth\(index).arp_ignore_\($0)\": \"\($0 % 3)\"" }.joined(separator: ",\n        ")
        let plugin = """
            {
              "type": "tuning",
              "mtu": \(1400 + index % 100),
              "sysctl": {
                \(sysctls)
              }
            }
            """
        plugins.append(plugin)
        size += plugin.utf8.count + 2
        index += 1
    }
    let conflist = "{\n  \"cniVersion\": \"0.4.0\",\n  \"name\": \"terway-chainer\",\n  \"plugins\": [\n" + plugins.joined(separator: ",\n") + "\n  ]\n}\n"
    return (conf, conflist)
}

func indentBlock(_ text: String, by spaces: Int) -> String {
    let pad = String(repeating: " ", count: spaces)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
}

let arguments = CommandLine.arguments
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[$0 + 1]) } ?? 50
let (conf, conflist) = largeConfigMap()
let data = ConfigMapData(conf: conf, conflist: conflist)

if let index = arguments.firstIndex(of: "--manifest") {
    let manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: eni-config
          namespace: kube-system
        data:
          eni_conf: '{}'
          10-terway.conf: |
        \(indentBlock(conf, by: 4))
          10-terway.conflist: |
        \(indentBlock(conflist, by: 4))
        """
    try Data(manifest.utf8).write(to: URL(fileURLWithPath: arguments[index + 1]))
}

/// A veth node with a 5.10 kernel: the render is Terway's for it.
let node = NodeFacts(kernelRelease: "5.10.134-16.3.al8.x86_64")
let warmup = evaluate(data, on: node)
guard let rendered = warmup.conflist else {
    print("the benchmark ConfigMap is invalid: \(warmup.diagnostics.prefix(3))")
    exit(1)
}
/// This thread's CPU time. On a shared machine wall time also counts the time other processes
/// held the core, so both are reported: CPU time is the steadier figure, wall time the one that
/// is promised.
func threadCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
}

var wallSamples: [Duration] = []
var cpuSamples: [Duration] = []
let clock = ContinuousClock()
for _ in 0..<runs {
    let (wallStart, cpuStart) = (clock.now, threadCPUTime())
    _ = evaluate(data, on: node)
    cpuSamples.append(threadCPUTime() - cpuStart)
    wallSamples.append(clock.now - wallStart)
}
func ms(_ duration: Duration) -> String {
    let value = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    return String(format: "%.2f ms", value)
}
func spread(_ samples: [Duration]) -> String {
    let sorted = samples.sorted()
    return "min \(ms(sorted[0])), median \(ms(sorted[runs / 2])), p99 \(ms(sorted[min(runs - 1, runs * 99 / 100)])), max \(ms(sorted[runs - 1]))"
}
print("input: \(conf.utf8.count + conflist.utf8.count) bytes of data, \(rendered.pluginTypes.count) plugins; render \(rendered.bytes.count) bytes")
print("evaluate (validate + render + sha256), \(runs) runs")
print("  wall: \(spread(wallSamples))")
print("  cpu:  \(spread(cpuSamples))")
