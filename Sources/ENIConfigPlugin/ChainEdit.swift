import ENIConfig

/// A plugin of the chain as the command line names it: by its place (0 is terway) or its type.
public enum PluginReference: Sendable, Equatable, CustomStringConvertible {
    case index(Int)
    case type(String)

    public init(_ text: String) {
        self = Int(text).map(PluginReference.index) ?? .type(text)
    }

    public var description: String {
        switch self {
        case .index(let index): "plugins[\(index)]"
        case .type(let type): "\"\(type)\""
        }
    }
}

/// A change to the chain in eni-config's two keys, as `kubectl eni-config chain` makes it.
public enum ChainEdit: Sendable, Equatable {
    /// Inserts a plugin (a JSON object with a `type`) at this place, or at the end.
    case add(plugin: String, at: Int?)
    case remove(PluginReference)
    case move(PluginReference, to: Int)
    /// Makes `plugins[0]` the same configuration as `10-terway.conf` again.
    case sync
}

public struct ChainEditError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The chain of a ConfigMap's data, read and edited on the parsed documents. An edit rewrites
/// `10-terway.conflist` only (members in their order, numbers as written, two-space indent);
/// every other key stays as it is, `eni_conf` included.
public enum Chain {
    /// Each plugin's type and its configuration on one line, in chain order.
    public static func list(_ data: [String: String]) throws(ChainEditError) -> [(type: String, configuration: String)] {
        try plugins(in: data).plugins.map { plugin in
            (plugin.value.objectValue?["type"]?.value.stringValue ?? "?", JSONText.oneLine(plugin.value))
        }
    }

    public static func apply(_ edit: ChainEdit, to data: [String: String]) throws(ChainEditError) -> [String: String] {
        let parsed = try plugins(in: data)
        var (list, plugins) = (parsed.list, parsed.plugins)
        switch edit {
        case .add(let text, let place):
            let plugin = try object(text, what: "the plugin to add")
            guard let type = plugin["type"]?.value.stringValue, !type.isEmpty else {
                throw ChainEditError("the plugin to add has no \"type\": give a JSON object such as {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}}")
            }
            let index = place ?? plugins.count
            guard (1...plugins.count).contains(index) else {
                throw ChainEditError("--at \(index): a plugin goes after terway, at 1 to \(plugins.count)")
            }
            plugins.insert(JSONNode(.object(plugin), at: nowhere), at: index)
        case .remove(let reference):
            plugins.remove(at: try place(of: reference, in: plugins))
        case .move(let reference, let target):
            let index = try place(of: reference, in: plugins)
            guard (1..<plugins.count).contains(target) else {
                throw ChainEditError("--to \(target): a plugin moves to 1 to \(plugins.count - 1), after terway")
            }
            plugins.insert(plugins.remove(at: index), at: target)
        case .sync:
            plugins[0] = JSONNode(.object(parsed.conf), at: nowhere)
        }
        list.set("plugins", .array(plugins))
        var result = data
        result[ConfigMapData.conflistKey] = String(decoding: JSONText.indented(.object(list)), as: UTF8.self) + "\n"
        return result
    }

    private static let nowhere = SourcePosition(line: 0, column: 0, offset: 0)

    /// The list (made from `10-terway.conf` alone when there is no conflist key), its plugins
    /// (never empty), and `10-terway.conf`.
    private static func plugins(in data: [String: String]) throws(ChainEditError) -> (list: JSONObject, plugins: [JSONNode], conf: JSONObject) {
        guard let confText = data[ConfigMapData.confKey] else {
            throw ChainEditError("\(ConfigMapData.confKey) is missing: there is no terway plugin to chain after")
        }
        let conf = try object(confText, what: ConfigMapData.confKey)
        guard let listText = data[ConfigMapData.conflistKey] else {
            // A list needs the name and version the runtime gives every plugin; the conf has them.
            let plugins = [JSONNode(.object(conf), at: nowhere)]
            var list = JSONObject(members: [])
            for key in ["cniVersion", "name"] {
                if let value = conf[key] { list.set(key, value.value) }
            }
            list.set("plugins", .array(plugins))
            return (list, plugins, conf)
        }
        let list = try object(listText, what: ConfigMapData.conflistKey)
        guard let plugins = list["plugins"]?.value.arrayValue, !plugins.isEmpty else {
            throw ChainEditError("\(ConfigMapData.conflistKey): plugins is not a non-empty array; fix it with `kubectl edit` first (`kubectl eni-config validate` says where)")
        }
        return (list, plugins, conf)
    }

    private static func object(_ text: String, what: String) throws(ChainEditError) -> JSONObject {
        let node: JSONNode
        do {
            node = try JSONParser.parse(text)
        } catch {
            throw ChainEditError("\(what) is not valid JSON: \(error)")
        }
        guard let object = node.value.objectValue else {
            throw ChainEditError("\(what) is \(node.value.kindName), not a JSON object")
        }
        return object
    }

    /// Where the referenced plugin stands; never 0, which is terway itself.
    private static func place(of reference: PluginReference, in plugins: [JSONNode]) throws(ChainEditError) -> Int {
        let types = plugins.map { $0.value.objectValue?["type"]?.value.stringValue ?? "?" }
        let index: Int
        switch reference {
        case .index(let given):
            guard plugins.indices.contains(given) else {
                throw ChainEditError("plugins[\(given)] does not exist: the chain is \(types.joined(separator: " → "))")
            }
            index = given
        case .type(let type):
            let matches = types.indices.filter { types[$0] == type }
            guard let first = matches.first else {
                throw ChainEditError("no plugin has type \"\(type)\": the chain is \(types.joined(separator: " → "))")
            }
            guard matches.count == 1 else {
                throw ChainEditError("\(matches.count) plugins have type \"\(type)\" (at \(matches.map(String.init).joined(separator: ", "))): name one by its place")
            }
            index = first
        }
        guard index > 0 else {
            throw ChainEditError("plugins[0] is terway itself and stays first; edit 10-terway.conf, then `chain sync`")
        }
        return index
    }
}

extension JSONObject {
    mutating func set(_ key: String, _ value: JSONValue) {
        let position = SourcePosition(line: 0, column: 0, offset: 0)
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = JSONNode(value, at: members[index].value.position)
        } else {
            members.append(.init(key: key, keyPosition: position, value: JSONNode(value, at: position)))
        }
    }
}
