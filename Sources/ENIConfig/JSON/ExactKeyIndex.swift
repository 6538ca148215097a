/// Values by object key, keys compared byte for byte as Go compares them: `String`'s `==`
/// equates canonically equivalent spellings (`é` and `e` + U+0301), which a runtime reading
/// the file sees as two different keys. Small objects, the common case, are scanned; a hash
/// index is built once an object is large enough for hashing to pay.
struct ExactKeyIndex<Value> {
    private static var scanLimit: Int { 16 }
    private var scanned: [(key: String, value: Value)] = []
    private var hashed: [HashedKey: Value]?

    init() {}

    /// The first value for each key of `members` (a hand-built object may repeat a key;
    /// `JSONObject.subscript` also returns the first).
    init(_ members: [JSONObject.Member]) where Value == JSONNode {
        for member in members where self[member.key] == nil {
            insert(member.key, member.value)
        }
    }

    subscript(key: String) -> Value? {
        if let hashed { return hashed[HashedKey(key)] }
        // By index: `first(where:)` copied (retained and released) every entry it passed.
        for index in scanned.indices where scanned[index].key.isByteForByteEqual(to: key) {
            return scanned[index].value
        }
        return nil
    }

    /// Adds `key`, which the index does not have yet.
    mutating func insert(_ key: String, _ value: Value) {
        if hashed == nil && scanned.count < Self.scanLimit {
            scanned.append((key, value))
            return
        }
        if hashed == nil {
            hashed = Dictionary(scanned.map { (HashedKey($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
            scanned = []
        }
        hashed![HashedKey(key)] = value
    }

    private struct HashedKey: Hashable {
        let string: String

        init(_ string: String) {
            self.string = string
        }

        static func == (lhs: HashedKey, rhs: HashedKey) -> Bool {
            lhs.string.isByteForByteEqual(to: rhs.string)
        }

        func hash(into hasher: inout Hasher) {
            var string = string
            string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}
