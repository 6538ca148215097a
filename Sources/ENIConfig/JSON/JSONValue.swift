/// A parsed JSON document that remembers where each value and key stood in the source,
/// so every diagnostic can name `line:column`. Numbers keep their literal text: the render
/// writes them exactly as the operator wrote them.
public struct JSONNode: Sendable, Hashable {
    public var value: JSONValue
    /// Where the value's first character stands.
    public var position: SourcePosition

    public init(_ value: JSONValue, at position: SourcePosition) {
        self.value = value
        self.position = position
    }
}

public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONNode])
    case object(JSONObject)
}

/// An object's members in source order. Keys are unique: the parser rejects duplicates.
public struct JSONObject: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: JSONNode

        public init(key: String, keyPosition: SourcePosition, value: JSONNode) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }
    }

    public var members: [Member]

    public init(members: [Member]) {
        self.members = members
    }

    public subscript(key: String) -> JSONNode? {
        members.first(where: { $0.key == key })?.value
    }

    public func member(_ key: String) -> Member? {
        members.first(where: { $0.key == key })
    }

    public var keys: [String] { members.map(\.key) }
}

/// A JSON number as written (`1.50`, `-0`, `1e3`, `12345678901234567890`).
/// No precision is lost: the literal is kept.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let literal: String

    public init(literal: String) {
        self.literal = literal
    }

    public var description: String { literal }
}
