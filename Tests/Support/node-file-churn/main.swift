// A writer of the node file for NodeFilesTests, run as a child process so that a test can
// SIGKILL it mid-write or make its write fail for real (a file size limit, an unprivileged user).
//
//   node-file-churn churn <cni-dir> <render-a> <render-b>
//       writes render-a, prints "r" once it is in place, then alternates a and b forever.
//   node-file-churn write <cni-dir> <render> [--file-size-limit BYTES] [--as-nobody]
//       writes once; prints the outcome and exits 0, or prints the error and exits 2.
import Glibc
import ENIConfig
import NodeFiles

/// Unbuffered, so that nothing is lost when the test kills us.
func emit(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { return }
        bytes = bytes.dropFirst(count)
    }
}

func fail(_ message: String, status: Int32) -> Never {
    emit("node-file-churn: \(message)\n", to: 2)
    exit(status)
}

func readRender(_ path: String) -> RenderedConflist {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path)", status: 3) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes += buffer[..<count]
    }
    return RenderedConflist(bytes: bytes, pluginTypes: ["terway"])
}

func write(_ render: RenderedConflist, to directory: CNIDirectory) -> WriteOutcome {
    do {
        return try directory.write(render)
    } catch {
        fail(error.description, status: 2)
    }
}

/// The kernel stops a write at the limit; with SIGXFSZ ignored the write fails with EFBIG instead of killing us.
func limitFileSize(to bytes: rlim_t) {
    signal(SIGXFSZ, SIG_IGN)
    var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
    guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else { fail("setrlimit failed", status: 3) }
}

/// Root may write anywhere; uid 65534 (nobody) obeys directory permissions like any agent that is not root.
func becomeNobody() {
    guard getuid() == 0 else { return }
    guard setgroups(0, nil) == 0, setgid(65534) == 0, setuid(65534) == 0 else { fail("cannot drop privileges", status: 3) }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "churn" where arguments.count == 4:
    let directory = CNIDirectory(path: arguments[1])
    let renders = [readRender(arguments[2]), readRender(arguments[3])]
    _ = write(renders[0], to: directory)
    emit("r", to: 1)
    var next = 1
    while true {
        _ = write(renders[next], to: directory)
        next = 1 - next
    }
case "write" where arguments.count >= 3:
    let directory = CNIDirectory(path: arguments[1])
    let render = readRender(arguments[2])
    var options = arguments.dropFirst(3).makeIterator()
    while let option = options.next() {
        switch option {
        case "--file-size-limit":
            guard let value = options.next(), let bytes = rlim_t(value) else { fail("--file-size-limit needs a number", status: 3) }
            limitFileSize(to: bytes)
        case "--as-nobody":
            becomeNobody()
        default:
            fail("unknown option \(option)", status: 3)
        }
    }
    emit("\(write(render, to: directory))\n", to: 1)
default:
    fail("usage: node-file-churn churn <cni-dir> <render-a> <render-b> | write <cni-dir> <render> [--file-size-limit BYTES] [--as-nobody]", status: 3)
}
