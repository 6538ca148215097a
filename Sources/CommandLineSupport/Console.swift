#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Diagnostics and progress go to standard error; only requested output (a render with
/// `--stdout`, a diff, `--format json`) goes to standard output. Written straight to the file
/// descriptors, unbuffered, so nothing is lost when the process exits with a status code.
public enum Console {
    public static func error(_ line: String) {
        write(Array((line + "\n").utf8), to: STDERR_FILENO)
    }

    public static func output(_ text: String) {
        write(Array(text.utf8), to: STDOUT_FILENO)
    }

    public static func output(bytes: [UInt8]) {
        write(bytes, to: STDOUT_FILENO)
    }

    private static func write(_ bytes: [UInt8], to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBufferPointer { buffer in
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += count
        }
    }
}
