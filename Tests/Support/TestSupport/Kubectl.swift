import Foundation
import Testing

/// Runs the real `kubectl` with its own kubeconfig and discovery cache (the sandbox's).
/// Output goes to files and exit is awaited through the termination handler, so no thread of
/// the cooperative pool blocks while the sandbox has requests to serve.
public struct Kubectl: Sendable {
    public static let executable = "/usr/bin/kubectl"

    public let directory: URL
    public let kubeconfig: String

    /// Writes the kubeconfig into a fresh temporary directory.
    public init(kubeconfigYAML: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        kubeconfig = directory.appendingPathComponent("kubeconfig").path
        try kubeconfigYAML.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(30)) async throws -> Result {
        let running = try start(arguments, environment: environment)
        let finished = try await running.wait(timeout: timeout)
        #expect(finished, "kubectl \(arguments.joined(separator: " ")) did not finish in \(timeout)")
        return running.result
    }

    public func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        try Running(
            arguments: ["--kubeconfig", kubeconfig, "--cache-dir", directory.appendingPathComponent("cache").path] + arguments,
            environment: environment, directory: directory)
    }

    /// Writes a file into this kubectl's directory and returns its path.
    public func file(_ name: String, _ contents: String, executable: Bool = false) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
        return path
    }

    public final class Running: @unchecked Sendable {
        private let process = Process()
        private let stdoutPath: String
        private let stderrPath: String
        private let exited = AsyncStream<Void>.makeStream()

        fileprivate init(arguments: [String], environment: [String: String], directory: URL) throws {
            let id = UUID().uuidString
            stdoutPath = directory.appendingPathComponent("\(id).out").path
            stderrPath = directory.appendingPathComponent("\(id).err").path
            _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: Kubectl.executable)
            process.arguments = arguments
            var base = ProcessInfo.processInfo.environment
            base["KUBECONFIG"] = nil
            process.environment = base.merging(environment) { $1 }
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
            let continuation = exited.continuation
            process.terminationHandler = { _ in continuation.finish() }
            try process.run()
        }

        /// Output so far.
        public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
        public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        public var result: Result {
            Result(status: process.isRunning ? -1 : process.terminationStatus, stdout: stdout, stderr: stderr)
        }

        /// Waits for exit; on timeout kills the process and returns false.
        public func wait(timeout: Duration) async throws -> Bool {
            let exited = self.exited.stream
            let finished = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await _ in exited {}
                    return true
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            if !finished { terminate() }
            return finished
        }

        /// Polls the output until it satisfies the condition (true) or the time runs out (false).
        public func waitForOutput(within limit: Duration = .seconds(15), _ condition: (String) -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                if condition(stdout) { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return condition(stdout)
        }

        public func terminate() {
            if process.isRunning { process.terminate() }
        }
    }
}
