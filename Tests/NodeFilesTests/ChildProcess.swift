import Foundation
import Glibc

/// A child process started with posix_spawn, its standard output and error joined in one stream.
final class ChildProcess {
    enum Termination: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    let pid: pid_t
    private let output: Int32
    private var reaped = false

    init(_ executable: String, _ arguments: [String]) {
        var ends: [Int32] = [0, 0]
        // Close-on-exec from the start (Glibc's pipe2 is not imported; a socket pair serves as the pipe):
        // children spawned by tests running in parallel must not inherit it, or reading it to the end
        // would wait for them too.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            fatalError("socketpair: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(ends[1])
        guard result == 0 else { fatalError("posix_spawn \(executable): \(String(cString: strerror(result)))") }
        self.pid = pid
        self.output = ends[0]
    }

    deinit {
        if !reaped {
            kill(pid, SIGKILL)
            _ = waitForExit()
        }
        close(output)
    }

    /// The next byte the child prints; nil once it closed its output.
    func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(output, &byte, 1)
            if count == 1 { return byte }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Everything the child prints until it exits.
    func readOutput() -> String {
        var bytes: [UInt8] = []
        while let byte = readByte() { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    @discardableResult
    func waitForExit() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
        // WIFEXITED / WEXITSTATUS / WTERMSIG are C macros Swift does not import.
        return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
    }
}

/// The node-file-churn helper, built into the same directory as the test runner.
let churnExecutable: String = {
    let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
    // On some platforms the runner sits inside a bundle (`….xctest/Contents/MacOS/`).
    while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("node-file-churn").path),
        directory.path != "/"
    {
        directory.deleteLastPathComponent()
    }
    return directory.appendingPathComponent("node-file-churn").path
}()
