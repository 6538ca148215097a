import Foundation
import Glibc
import Synchronization

/// `count` bytes that differ from their neighbours, so a misplaced chunk cannot compare equal.
func pattern(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
}

/// Runs `body` on a thread of its own and waits for it.
func onOwnThread<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Value {
    let result = Mutex<Value?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        let value = body()
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return result.withLock { $0! }
}

/// Runs `body` with file permissions checked as uid 65534, even when the tests run as root.
/// The file-system uid is per thread (glibc does not broadcast `setfsuid` as it does `setuid`),
/// and leaving fsuid 0 drops CAP_DAC_OVERRIDE for that thread only: other tests keep root.
/// `setfsuid` is looked up with dlsym because the Glibc module map leaves out <sys/fsuid.h>.
func readingAsNobody<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Value {
    onOwnThread {
        typealias SetFSUID = @convention(c) (UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setfsuid") else {
            fatalError("setfsuid not found: \(dlerror().map { String(cString: $0) } ?? "")")
        }
        let setfsuid = unsafeBitCast(symbol, to: SetFSUID.self)
        let nobody: UInt32 = 65534
        let previous = setfsuid(nobody)
        // An invalid id changes nothing and returns the current one: proof the switch happened.
        guard geteuid() != 0 || setfsuid(UInt32.max) == nobody else { fatalError("setfsuid(65534) did not take effect") }
        defer { _ = setfsuid(UInt32(previous)) }
        return body()
    }
}
