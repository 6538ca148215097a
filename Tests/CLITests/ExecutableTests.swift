import Foundation
import Testing

/// What each executable carries: the agent only its four commands and its version; the sandbox
/// and the demo are in eni-config-dev.
@Suite struct ExecutableTests {
    /// `--version` is the release that the chart and deploy/ install (plus `+git describe` when
    /// the build saw a checkout), and both executables say the same.
    @Test func versionIsTheReleaseTheManifestsInstall() throws {
        let agent = try CLIRunner.run(["--version"])
        #expect(agent.status == 0)
        let version = agent.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let release = String(version.prefix { $0 != "+" })
        let chart = try String(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("charts/eni-config-agent/Chart.yaml"), encoding: .utf8)
        #expect(chart.contains("\nappVersion: \"\(release)\"\n"), "Chart.yaml's appVersion is not \(release)")
        let kustomization = try String(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("deploy/kustomization.yaml"), encoding: .utf8)
        #expect(kustomization.contains("newTag: \(release)\n"), "deploy/kustomization.yaml's image tag is not \(release)")
        #expect(release.split(separator: ".").count == 3 && release.split(separator: ".").allSatisfy { Int($0) != nil })

        let dev = try CLIRunner.run(["--version"], executable: "eni-config-dev")
        #expect(dev.status == 0)
        #expect(dev.stdout == agent.stdout)
    }

    @Test func theAgentHasNoDevelopmentCommands() throws {
        let help = try CLIRunner.run(["--help"])
        #expect(help.status == 0)
        let commands = help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? ""
        for command in ["validate", "render", "diff", "run"] { #expect(commands.contains("  \(command) ")) }
        for command in ["sandbox", "demo"] {
            #expect(!commands.contains("  \(command) "))
            let result = try CLIRunner.run([command])
            #expect(result.status == 2, "eni-config-agent \(command) should be a usage error")
        }
    }

    /// README's first command: the agent, live against the sandbox, applies the tuning example,
    /// rejects the invalid one, and the node file keeps the last good render.
    @Test func theDemoAppliesAValidEditAndRejectsAnInvalidOne() throws {
        let scratch = try TemporaryDirectory()
        let result = try CLIRunner.run(
            [
                "demo", "--seed", CLIRunner.example("eni-config.yaml"), "--next", CLIRunner.example("eni-config-tuning.yaml"),
                "--invalid", CLIRunner.example("eni-config-invalid.yaml"), "--host-root", CLIRunner.example("node-veth"),
                "--directory", scratch.path,
            ],
            executable: "eni-config-dev")
        #expect(result.status == 0, "\(result.stderr)")
        for step in ["== 1. seeded", "== 2. applied", "== 3. applied", "== status"] {
            #expect(result.stdout.contains(step), "no \(step) in the demo's output")
        }
        #expect(result.stdout.contains("Warning/InvalidConfig"))

        let expected = try CLIRunner.run([
            "render", "--configmap", CLIRunner.example("eni-config-tuning.yaml"), "--host-root", CLIRunner.example("node-veth"), "--stdout",
            "--cni-bin-dir", scratch.file("bin"),
        ])
        #expect(expected.status == 0, "\(expected.stderr)")
        let nodeFile = try String(contentsOfFile: scratch.file("net.d/10-terway.conflist"), encoding: .utf8)
        #expect(nodeFile == expected.stdout)
    }
}
