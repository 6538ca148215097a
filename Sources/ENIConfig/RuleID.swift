/// The stable identifier of every rule and finding, in one place: the ConfigMap's rules here in
/// ENIConfig and NodeFiles' findings about the node. `Diagnostic.rule` is one of these; the raw
/// value is what the JSON output, `/status` and Events carry. Tools, tests and the admission
/// webhook match on these strings: never rename one.
public enum RuleID: String, Sendable, Hashable, CaseIterable, Codable {
    // The ConfigMap's data keys.
    /// One of our keys is in `binaryData`, where the agent does not read it.
    case keyInBinaryData = "key-in-binary-data"
    /// `10-terway.conf` is absent from `data`.
    case confMissing = "conf-missing"
    /// `eni_conf` is absent: Terway's init fails without it.
    case eniConfMissing = "eni-conf-missing"
    /// A key's text is not strict JSON (RFC 8259, no duplicate keys, valid UTF-8).
    case jsonSyntax = "json-syntax"
    /// A key's document is valid JSON but not an object.
    case notObject = "not-object"

    // 10-terway.conf.
    /// `type` of `10-terway.conf` is not `"terway"`.
    case confType = "conf-type"
    /// A `cniVersion` that libcni does not know (or a missing one in `10-terway.conf`).
    case cniVersion = "cni-version"
    /// A terway field Terway's renderer reads has a value it fails on (`network_policy_provider`
    /// not a string, an unknown `eniip_virtual_type`), or ignores (warning).
    case terwayField = "terway-field"

    // The top level of 10-terway.conflist.
    /// The list `name` is not a string matching `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`.
    case listName = "list-name"
    /// `plugins` is missing, not an array, or empty.
    case listPlugins = "list-plugins"
    /// A top-level key the node file does not carry (warning: it is dropped).
    case listKeyDropped = "list-key-dropped"
    /// A top-level `name` or `cniVersion` the render replaces with its own (warning).
    case listValueReplaced = "list-value-replaced"
    /// `plugins[0]` is not the same configuration as `10-terway.conf`.
    case firstPluginMismatch = "first-plugin-mismatch"

    // Every plugin of the chain.
    /// An element of `plugins` is not an object.
    case pluginNotObject = "plugin-not-object"
    /// A plugin `type` is missing, empty, not a string, or not a plain file name.
    case pluginType = "plugin-type"
    /// A field libcni decodes for every plugin (`capabilities`, `ipam`, `dns`) has the wrong shape.
    case pluginField = "plugin-field"
    /// `ipam.type` is not a plain file name (a path separator, NUL or a control character).
    case ipamType = "ipam-type"
    /// A key the container runtime fills in (`args`, `runtimeConfig`, `prevResult`, `cni.dev/…`) is set (warning).
    case runtimeKey = "runtime-key"

    // Chained plugins we know.
    /// portmap sets both `externalSetMarkChain` and `markMasqBit`.
    case portmapMarkConflict = "portmap-mark-conflict"
    /// A portmap field has the wrong type or range.
    case portmapField = "portmap-field"
    /// A tuning `sysctl` key is not a network sysctl.
    case tuningSysctlKey = "tuning-sysctl-key"
    /// A tuning field has the wrong type or range.
    case tuningField = "tuning-field"
    /// A bandwidth field has the wrong type or range.
    case bandwidthField = "bandwidth-field"
    /// A bandwidth rate without its burst, or a burst without its rate.
    case bandwidthRateBurst = "bandwidth-rate-burst"
    /// bandwidth is chained while terway already shapes bandwidth (warning).
    case bandwidthTwice = "bandwidth-twice"

    // This node (Terway's render fails here, not everywhere).
    /// The node's kernel is older than the 5.10 Terway requires.
    case nodeKernel = "node-kernel"
    /// The datapath asked for cannot run on this node (`ipvlan is unsupported`).
    case nodeDatapath = "node-datapath"
    /// The node's facts cannot be read, so Terway's render for it is unknown.
    case nodeFacts = "node-facts"

    // The node (NodeFiles): the plugin binaries.
    /// The CNI bin directory is missing or not a directory, so no binary could be checked (warning).
    case binDirMissing = "bin-dir-missing"
    /// A chained plugin's binary is not in the CNI bin directory.
    case pluginBinaryMissing = "plugin-binary-missing"
    /// A chained plugin's binary is there but not an executable regular file.
    case pluginBinaryNotExecutable = "plugin-binary-not-executable"

    // The node (NodeFiles): the CNI configuration directory, after a write (warnings).
    /// A directory named after the network, whose configurations newer libcni appends to the chain.
    case networkDirectory = "network-directory"
    /// A `10-terway.conf` that sorts before the node file (the next write removes it).
    case staleTerwayConf = "stale-terway-conf"
    /// Another configuration file sorts before the node file, so runtimes load it instead.
    case shadowedBy = "shadowed-by"
    /// The CNI configuration directory could not be listed, so shadowing was not checked.
    case cniDirUnreadable = "cni-dir-unreadable"
}

extension Diagnostic {
    init(
        _ severity: Severity, _ rule: RuleID, key: String, path: JSONPath? = nil,
        at position: SourcePosition? = nil, _ message: String
    ) {
        self.init(severity, rule: rule, key: key, path: path, at: position, message)
    }
}
