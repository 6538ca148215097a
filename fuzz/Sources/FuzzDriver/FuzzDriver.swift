import CLibFuzzer

#if canImport(Glibc)
import Glibc
#endif

/// Runs libFuzzer with the process's arguments, calling `test` on each input it chooses, as
/// libFuzzer's own main would. SwiftPM links every executable's main under its own name, so
/// each target's `main` calls this instead.
public func runLibFuzzer(_ test: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> Never {
    currentTest = test
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        currentTest?(UnsafeBufferPointer(start: data, count: size))
        return 0  // libFuzzer's contract: any other value is reserved
    })
}

/// A C function pointer cannot capture, so the one test of this process waits here.
/// Set once before libFuzzer starts, and libFuzzer calls the test from one thread.
nonisolated(unsafe) private var currentTest: ((UnsafeBufferPointer<UInt8>) -> Void)?
