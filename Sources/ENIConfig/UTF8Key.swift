/// An object key compared byte for byte, as Go compares keys. `String`'s own `==` treats
/// canonically equivalent spellings (`é` and `e` + U+0301) as one key, but a runtime reading
/// the file sees two different keys, so duplicate detection and comparison must not.
struct UTF8Key: Hashable {
    let string: String

    init(_ string: String) {
        self.string = string
    }

    static func == (lhs: UTF8Key, rhs: UTF8Key) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let hashedContiguously: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if hashedContiguously == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
    }
}

extension String {
    /// Byte-wise UTF-8 order, the order Go's `encoding/json` writes map keys in
    /// (and, equally, Unicode scalar order).
    func precedesInUTF8Order(_ other: String) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }
}
