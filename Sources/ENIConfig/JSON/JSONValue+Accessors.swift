extension JSONValue {
    /// The kind as a message names it: "an object", "a string", "null".
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as one line of JSON for messages, cut with "…" past 60 Unicode scalars.
    public var compactDescription: String {
        let shownScalars = 60
        // A scalar takes at most four bytes: past this limit there are surely more than 60.
        var writer = JSONWriter(layout: .oneLine, byteLimit: 4 * shownScalars + 8)
        writer.write(self)
        let scalars = String(decoding: writer.output, as: UTF8.self).unicodeScalars
        guard scalars.count > shownScalars else { return String(scalars) }
        return String(String.UnicodeScalarView(scalars.prefix(shownScalars - 1))) + "…"
    }

    public var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { flag } else { nil }
    }

    public var objectValue: JSONObject? {
        if case .object(let object) = self { object } else { nil }
    }

    public var arrayValue: [JSONNode]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    public var numberValue: JSONNumber? {
        if case .number(let number) = self { number } else { nil }
    }
}
