import Foundation
import Testing

/// `eni-config-agent webhook` as the Deployment runs it: the built binary, JSON logs on standard
/// error, SIGTERM to stop.
@Suite("eni-config-agent webhook", .timeLimit(.minutes(1)))
struct WebhookCommandTests {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eni-config-agent")

    @Test("serves reviews with the files given, logs where, never the data, and exits 0 on SIGTERM")
    func servesAndStops() async throws {
        let files = ServingFiles()
        try files.issue()
        let stderr = files.directory.path + "/stderr"
        FileManager.default.createFile(atPath: stderr, contents: nil)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "webhook", "--listen", "127.0.0.1:0", "--tls-cert-file", files.certificateFile,
            "--tls-private-key-file", files.privateKeyFile, "--log-format", "json",
        ]
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        func logLines() -> [[String: String]] {
            ((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
            }
        }
        var address: String?
        for _ in 0..<200 where address == nil {
            try await Task.sleep(for: .milliseconds(25))
            address = logLines().first { $0["msg"] == "eni-config-agent webhook serving" }?["address"]
        }
        let port = try #require(address.flatMap { Int($0.split(separator: ":").last ?? "") })

        let denied = try await post(port: port, caPEM: files.caPEM, body: Review.create(valid: false))
        #expect((denied.json["response"] as? [String: Any])?["allowed"] as? Bool == false)
        let verdict = logLines().first { $0["msg"] == "denied" }
        #expect(verdict?["object"] == "kube-system/eni-config")
        #expect(verdict?["causes"] == "1")
        #expect(!((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "").contains(Review.secret))

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("usage errors exit 2", arguments: [
        ["webhook", "--tls-cert-file", "c"],
        ["webhook", "--tls-cert-file", "c", "--tls-private-key-file", "k", "--listen", "nowhere"],
        ["webhook", "--tls-cert-file", "c", "--tls-private-key-file", "k", "--path", "validate"],
    ])
    func usage(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
    }
}
