/// Everything the project knows about one version of the ConfigMap: every finding, the chain,
/// and, when evaluated for a node, that node's file.
public struct Evaluation: Sendable, Hashable {
    /// Errors and warnings, all of them, by data key and then by place in the text.
    public var diagnostics: [Diagnostic]
    /// The chain's plugin types in order, as the ConfigMap lists them; empty when unreadable.
    public var pluginTypes: [String]
    /// The node file, from `evaluate(_:on:)` when there is no error; never from `evaluate(_:)`.
    public var conflist: RenderedConflist?

    public var isValid: Bool { !diagnostics.hasErrors }

    public init(diagnostics: [Diagnostic], pluginTypes: [String], conflist: RenderedConflist? = nil) {
        self.diagnostics = diagnostics
        self.pluginTypes = pluginTypes
        self.conflist = conflist
    }
}

/// Validates the ConfigMap's data against the rules that hold on every node (docs/design.md,
/// docs/terway-render.md), reporting every problem at once. Pure: the CLI, the agent and the
/// admission webhook all get the same answer for the same data.
public func evaluate(_ data: ConfigMapData) -> Evaluation {
    validated(data).evaluation
}

/// `evaluate(_:)`, then Terway's render for this node: a node on which Terway's init would fail
/// adds that failure as an error, and only a version with no error gets its node file.
public func evaluate(_ data: ConfigMapData, on node: NodeFacts) -> Evaluation {
    let (evaluation, source) = validated(data)
    guard evaluation.isValid, let source else { return evaluation }
    var result = evaluation
    switch TerwayRender.render(data, parsed: source, on: node) {
    case .success(let conflist): result.conflist = conflist
    case .failure(let failure): result.diagnostics.append(failure.diagnostic)
    }
    return result
}

/// The evaluation and the parsed document the chain comes from, so the render does not parse it again.
private func validated(_ data: ConfigMapData) -> (evaluation: Evaluation, source: ParsedDocument?) {
    var diagnostics = dataKeyDiagnostics(data)
    let conf = data.conf.flatMap { ParsedDocument.parse(key: ConfigMapData.confKey, text: $0, diagnostics: &diagnostics) }
    let list = data.conflist.flatMap { ParsedDocument.parse(key: ConfigMapData.conflistKey, text: $0, diagnostics: &diagnostics) }
    let terway = conf?.object

    if let conf { diagnostics += terwayConfDiagnostics(conf) }
    let chain: [PluginSite]
    if let list {
        diagnostics += conflistDiagnostics(list)
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

    let evaluation = Evaluation(diagnostics: inReportingOrder(diagnostics), pluginTypes: chain.map { $0.type ?? "" })
    return (evaluation, data.conflist == nil ? conf : list)
}

/// By data key (findings about the ConfigMap as a whole first), then by place in the text;
/// findings at the same place keep the order the rules produced them in.
private func inReportingOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    diagnostics.enumerated().sorted { left, right in
        (left.element.key ?? "", left.element.line ?? 0, left.element.column ?? 0, left.offset)
            < (right.element.key ?? "", right.element.line ?? 0, right.element.column ?? 0, right.offset)
    }.map(\.element)
}
