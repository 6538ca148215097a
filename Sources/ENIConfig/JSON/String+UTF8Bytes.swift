#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys compared as Go compares them: by their UTF-8 bytes. `String`'s own `==` and `<` work on
/// Unicode canonical equivalence, so `é` and `e` + U+0301 would be one key to us and two to a
/// runtime reading the file.
extension String {
    /// Equal UTF-8 bytes, unlike `==`, which also equates canonically equivalent spellings.
    func isByteForByteEqual(to other: String) -> Bool {
        utf8.count == other.utf8.count
            && withUTF8Bytes { mine in other.withUTF8Bytes { theirs in compareCommonPrefix(mine, theirs) == 0 } }
    }

    /// Byte-wise UTF-8 order, the order Go's `encoding/json` writes map keys in
    /// (and, equally, Unicode scalar order).
    func precedesInUTF8Order(_ other: String) -> Bool {
        withUTF8Bytes { mine in
            other.withUTF8Bytes { theirs in
                let order = compareCommonPrefix(mine, theirs)
                return order == 0 ? mine.count < theirs.count : order < 0
            }
        }
    }

    /// The bytes where the string keeps them (native strings always do): stepping through
    /// `utf8`'s iterator instead costs up to a hundred instructions a byte.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        utf8.withContiguousStorageIfAvailable(body) ?? Array(utf8).withUnsafeBufferPointer(body)
    }
}

/// How the common prefix of two byte strings compares, as `memcmp` says (negative, zero or
/// positive). `memcmp` compares words at a time; the generic `elementsEqual` and
/// `lexicographicallyPrecedes`, or a loop over the bytes, took 10 to 30 instructions a byte, and
/// keys sharing a long prefix (`net.ipv4.conf.eth0.…`) are compared thousands of times.
private func compareCommonPrefix(_ mine: UnsafeBufferPointer<UInt8>, _ theirs: UnsafeBufferPointer<UInt8>) -> Int32 {
    let count = min(mine.count, theirs.count)
    guard count > 0 else { return 0 }
    return memcmp(mine.baseAddress!, theirs.baseAddress!, count)
}
