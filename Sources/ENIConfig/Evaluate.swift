/// Everything the project needs to know about one version of the ConfigMap: every finding,
/// and the node file when there is no error.
public struct Evaluation: Sendable, Hashable {
    /// Errors and warnings, all of them, by data key and then by place in the text.
    public var diagnostics: [Diagnostic]
    /// The rendered node file; non-nil exactly when there is no error.
    public var conflist: RenderedConflist?

    public var isValid: Bool { conflist != nil }

    public init(diagnostics: [Diagnostic], conflist: RenderedConflist?) {
        self.diagnostics = diagnostics
        self.conflist = conflist
    }
}

/// Validates the ConfigMap's data against docs/terway-render.md and docs/cni-rules.md, reporting every
/// problem at once, and renders the node file when nothing is wrong. Pure: the CLI, the agent
/// and an admission webhook all get the same answer for the same data.
public func evaluate(_ data: ConfigMapData) -> Evaluation {
    var diagnostics = dataKeyDiagnostics(data)
    let conf = data.conf.flatMap { ParsedDocument.parse(key: ConfigMapData.confKey, text: $0, diagnostics: &diagnostics) }
    let list = data.conflist.flatMap { ParsedDocument.parse(key: ConfigMapData.conflistKey, text: $0, diagnostics: &diagnostics) }
    let terway = conf?.object

    if let conf { diagnostics += terwayConfDiagnostics(conf) }
    let chain: [PluginSite]
    if let list {
        diagnostics += conflistDiagnostics(list, terwayCNIVersion: terway?["cniVersion"]?.value.stringValue)
        if let conf { diagnostics += firstPluginDiagnostics(list: list, conf: conf) }
        chain = PluginSite.all(in: list)
        diagnostics += chain.flatMap(pluginTypeDiagnostics)
    } else if data.conflist == nil, let conf {
        chain = PluginSite.alone(conf)
    } else {
        chain = []
    }
    let terwayShapesBandwidth = terway?["capabilities"]?.value.objectValue?["bandwidth"]?.value == .bool(true)
    diagnostics += chain.flatMap { pluginDiagnostics($0, terwayShapesBandwidth: terwayShapesBandwidth) }

    diagnostics = inReportingOrder(diagnostics)
    guard !diagnostics.hasErrors, let cniVersion = terway?["cniVersion"] else {
        return Evaluation(diagnostics: diagnostics, conflist: nil)
    }
    // A render is seldom a quarter longer than the text it came from (two-space indent, as
    // operators mostly write): with that much room its buffer never has to grow.
    let sizeHint = ((data.conflist ?? data.conf)?.utf8.count ?? 0) * 5 / 4
    return Evaluation(
        diagnostics: diagnostics,
        conflist: renderConflist(cniVersion: cniVersion, plugins: chain.map(\.object), list: list?.object, sizeHint: sizeHint))
}

/// By data key (findings about the ConfigMap as a whole first), then by place in the text;
/// findings at the same place keep the order the rules produced them in.
private func inReportingOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    diagnostics.enumerated().sorted { left, right in
        (left.element.key ?? "", left.element.line ?? 0, left.element.column ?? 0, left.offset)
            < (right.element.key ?? "", right.element.line ?? 0, right.element.column ?? 0, right.offset)
    }.map(\.element)
}
