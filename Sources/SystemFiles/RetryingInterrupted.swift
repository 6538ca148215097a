#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Calls `body` again while it fails with EINTR: a signal arriving during a system call
/// (the agent's own SIGTERM handling, a debugger) is not a failure of the call.
public func retryingInterrupted<Result: BinaryInteger>(_ body: () -> Result) -> Result {
    while true {
        let result = body()
        if result == -1 && errno == EINTR { continue }
        return result
    }
}
