import Agent
import ENIConfig
import NodeFiles
import Testing

private func valid(_ rv: String, _ body: String) -> ObservedVersion {
    ObservedVersion(resourceVersion: rv, diagnostics: [], conflist: RenderedConflist(bytes: Array(body.utf8), pluginTypes: ["terway"]))
}

private func invalid(_ rv: String, _ message: String) -> ObservedVersion {
    ObservedVersion(
        resourceVersion: rv,
        diagnostics: [Diagnostic(.error, rule: .firstPluginMismatch, key: "10-terway.conflist", message)],
        conflist: nil)
}

@Suite struct ReconcilerTests {
    @Test func onStartAppliesTheFirstValidVersionAndHoldsLaterOnes() {
        var reconciler = Reconciler(mode: .onStart)
        let first = valid("10", "A")
        #expect(reconciler.observe(first) == .apply(first.conflist!))
        reconciler.applySucceeded(at: 1)
        #expect(reconciler.applied?.resourceVersion == "10")
        #expect(!reconciler.pending)

        let second = valid("11", "B")
        #expect(reconciler.observe(second) == .reportPending(second.conflist!))
        #expect(reconciler.pending)
        #expect(reconciler.applied?.conflist.sha256 == first.conflist!.sha256)
        // The same pending version seen again (a relist) is not reported twice.
        #expect(reconciler.observe(valid("12", "B")) == .none)
        // Back to what is applied: nothing pending any more.
        #expect(reconciler.observe(valid("13", "A")) == .none)
        #expect(!reconciler.pending)
        #expect(reconciler.applied?.resourceVersion == "13")
    }

    @Test func liveAppliesEveryNewValidVersion() {
        var reconciler = Reconciler(mode: .live)
        #expect(reconciler.observe(valid("10", "A")) == .apply(valid("10", "A").conflist!))
        reconciler.applySucceeded(at: 1)
        let next = valid("11", "B")
        #expect(reconciler.observe(next) == .apply(next.conflist!))
        reconciler.applySucceeded(at: 2)
        #expect(reconciler.applied?.conflist.sha256 == next.conflist!.sha256)
        #expect(reconciler.applied?.appliedAt == 2)
        #expect(!reconciler.pending)
    }

    @Test func anInvalidVersionIsReportedOnceAndNeverApplied() {
        var reconciler = Reconciler(mode: .live)
        _ = reconciler.observe(valid("10", "A"))
        reconciler.applySucceeded(at: 1)
        let bad = invalid("11", "false here, true in 10-terway.conf")
        #expect(reconciler.observe(bad) == .reportInvalid(bad))
        #expect(reconciler.observe(invalid("12", "false here, true in 10-terway.conf")) == .none)
        #expect(reconciler.observe(invalid("13", "another mistake")) != .none)
        #expect(reconciler.applied?.resourceVersion == "10")
        #expect(reconciler.latest?.conflist == nil)
    }

    @Test func invalidAtStartThenFixedIsApplied() {
        var reconciler = Reconciler(mode: .onStart)
        #expect(reconciler.observe(invalid("5", "bad")) != .none)
        #expect(reconciler.applied == nil)
        let fixed = valid("6", "A")
        #expect(reconciler.observe(fixed) == .apply(fixed.conflist!))
    }

    @Test func anOlderResourceVersionThanTheAppliedOneIsIgnored() {
        var reconciler = Reconciler(mode: .live)
        _ = reconciler.observe(valid("20", "A"))
        reconciler.applySucceeded(at: 1)
        #expect(reconciler.observe(valid("19", "OLD")) == .none)
        #expect(reconciler.latest?.resourceVersion == "20")
        // Non-integer versions are never taken for older.
        #expect(reconciler.observe(valid("abc", "B")) == .apply(valid("abc", "B").conflist!))
    }

    @Test func aFailedWriteIsRetriedWithTheSameVersion() {
        var reconciler = Reconciler(mode: .onStart)
        let first = valid("10", "A")
        _ = reconciler.observe(first)
        // The write failed: nothing is applied, and a retry writes the same version.
        #expect(reconciler.applied == nil)
        #expect(reconciler.retry() == .apply(first.conflist!))
        reconciler.applySucceeded(at: 3)
        #expect(reconciler.applied?.conflist == first.conflist)
        #expect(reconciler.retry() == .none)
    }

    @Test func deletionKeepsWhatIsApplied() {
        var reconciler = Reconciler(mode: .live)
        _ = reconciler.observe(valid("10", "A"))
        reconciler.applySucceeded(at: 1)
        reconciler.observeDeletion()
        #expect(reconciler.configMapDeleted)
        #expect(reconciler.applied?.resourceVersion == "10")
        _ = reconciler.observe(valid("11", "A"))
        #expect(!reconciler.configMapDeleted)
    }

    @Test func errorsAlwaysWithholdTheConflist() {
        let version = ObservedVersion(
            resourceVersion: "1",
            diagnostics: [Diagnostic(.error, rule: .pluginBinaryMissing, "missing")],
            conflist: RenderedConflist(bytes: [1], pluginTypes: ["terway"]))
        #expect(version.conflist == nil)
    }
}

/// A write that failed is retried later; by then the operator may have reverted or broken the
/// ConfigMap. Each row feeds the policy in order and checks every decision it returns.
@Suite struct ReconcilerRetryTableTests {
    enum Step: Sendable {
        case observe(ObservedVersion, Reconciler.Decision)
        /// The write of the last `apply` decision succeeded or failed.
        case written
        case failed
        /// The retry timer fired after a failure.
        case retry(Reconciler.Decision)
    }

    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let mode: ApplyMode
        let steps: [Step]
        /// The body of what is applied at the end; nil for nothing.
        let applied: String?
        var testDescription: String { name }
    }

    static let x = valid("10", "X")
    static func write(_ version: ObservedVersion) -> Reconciler.Decision { .apply(version.conflist!) }

    static let rows: [Row] = [
        Row(name: "live: after a revert to what the node holds, the retry writes nothing", mode: .live, steps: [
            .observe(x, write(x)), .written,
            .observe(valid("11", "A"), write(valid("11", "A"))), .failed,
            .observe(valid("12", "X"), .none),
            .retry(.none),
        ], applied: "X"),
        Row(name: "live: after an invalid edit, the retry writes nothing", mode: .live, steps: [
            .observe(x, write(x)), .written,
            .observe(valid("11", "A"), write(valid("11", "A"))), .failed,
            .observe(invalid("12", "bad"), .reportInvalid(invalid("12", "bad"))),
            .retry(.none),
        ], applied: "X"),
        Row(name: "live: after an invalid edit and its fix, the retry writes the fix", mode: .live, steps: [
            .observe(x, write(x)), .written,
            .observe(valid("11", "A"), write(valid("11", "A"))), .failed,
            .observe(invalid("12", "bad"), .reportInvalid(invalid("12", "bad"))),
            .observe(valid("13", "B"), write(valid("13", "B"))), .failed,
            .retry(write(valid("13", "B"))), .written,
        ], applied: "B"),
        Row(name: "live: with nothing newer, the retry writes the failed version again", mode: .live, steps: [
            .observe(x, write(x)), .written,
            .observe(valid("11", "A"), write(valid("11", "A"))), .failed,
            .retry(write(valid("11", "A"))), .failed,
            .retry(write(valid("11", "A"))), .written,
        ], applied: "A"),
        Row(name: "live: a newer version written meanwhile leaves the retry nothing to do", mode: .live, steps: [
            .observe(x, write(x)), .written,
            .observe(valid("11", "A"), write(valid("11", "A"))), .failed,
            .observe(valid("12", "B"), write(valid("12", "B"))), .written,
            .retry(.none),
        ], applied: "B"),
        Row(name: "on-start: after the first write failed and an invalid edit, the retry writes nothing", mode: .onStart, steps: [
            .observe(valid("10", "A"), write(valid("10", "A"))), .failed,
            .observe(invalid("11", "bad"), .reportInvalid(invalid("11", "bad"))),
            .retry(.none),
        ], applied: nil),
        Row(name: "on-start: the first write failed, the retry writes it", mode: .onStart, steps: [
            .observe(valid("10", "A"), write(valid("10", "A"))), .failed,
            .retry(write(valid("10", "A"))), .written,
        ], applied: "A"),
        Row(name: "on-start: once something is applied, a retry never writes a pending version", mode: .onStart, steps: [
            .observe(x, write(x)), .written,
            .observe(valid("11", "A"), .reportPending(valid("11", "A").conflist!)),
            .retry(.none),
        ], applied: "X"),
    ]

    @Test(arguments: rows)
    func retry(_ row: Row) {
        var reconciler = Reconciler(mode: row.mode)
        for (index, step) in row.steps.enumerated() {
            switch step {
            case .observe(let version, let expected):
                #expect(reconciler.observe(version) == expected, "step \(index)")
            case .written:
                reconciler.applySucceeded(at: Double(index))
            case .failed:
                reconciler.applyFailed()
            case .retry(let expected):
                #expect(reconciler.retry() == expected, "step \(index)")
            }
        }
        #expect(reconciler.applied.map { String(decoding: $0.conflist.bytes, as: UTF8.self) } == row.applied)
    }
}

/// `--coexist terway`: the policy beside terwayd, as a table of inputs and decisions.
@Suite struct CoexistencePolicyTests {
    private static func terwayCopy(of rv: String, _ body: String, rejected message: String) -> ObservedVersion {
        ObservedVersion(
            resourceVersion: rv, diagnostics: [Diagnostic(.error, rule: .firstPluginMismatch, key: "10-terway.conflist", message)],
            conflist: nil, terwayRender: RenderedConflist(bytes: Array(body.utf8), pluginTypes: ["terway"]))
    }

    @Test func aMissingNodeFileIsNeverCreatedAndTheFirstWriteWaitsForTerway() {
        var reconciler = Reconciler(mode: .onStart, coexistence: .terway)
        let version = valid("10", "A")
        #expect(reconciler.observe(version) == .none, "the node file is not known yet")
        #expect(reconciler.observeNodeFile(.missing) == .none)
        #expect(reconciler.waitingForTerway == version)
        // terwayd wrote: the writer replaces only differing bytes, so identical ones stay untouched.
        #expect(reconciler.observeNodeFile(.holds(sha256: version.conflist!.sha256)) == .apply(version.conflist!))
        reconciler.applySucceeded(at: 1)
        #expect(reconciler.applied?.resourceVersion == "10")
        #expect(reconciler.waitingForTerway == nil)
    }

    @Test func terwaysCopyOfARejectedVersionIsCorrectedOncePerCopy() {
        let good = valid("9", "G").conflist!
        var reconciler = Reconciler(mode: .onStart, coexistence: .terway, lastGood: good)
        let rejected = Self.terwayCopy(of: "10", "T", rejected: "drifted")
        let copy = NodeFileState.holds(sha256: rejected.terwayRender!.sha256)
        #expect(reconciler.observeNodeFile(copy) == .none, "no version seen yet")
        #expect(reconciler.observe(rejected) == .reportInvalid(rejected))
        #expect(reconciler.correction() == .restore(good))
        #expect(reconciler.observeNodeFile(.holds(sha256: good.sha256)) == .none, "the restore is not Terway's render")
        #expect(reconciler.correction() == .none)
        #expect(reconciler.observeNodeFile(copy) == .restore(good), "terwayd copied again")
        #expect(reconciler.applied == nil, "the rejected version is not applied, and the pod stays NotReady")
    }

    @Test func nothingIsPutBackWithoutALastGoodOrOverAnyOtherFile() {
        var withoutLastGood = Reconciler(mode: .live, coexistence: .terway)
        let rejected = Self.terwayCopy(of: "10", "T", rejected: "drifted")
        _ = withoutLastGood.observeNodeFile(.holds(sha256: rejected.terwayRender!.sha256))
        _ = withoutLastGood.observe(rejected)
        #expect(withoutLastGood.correction() == .none)

        var otherFile = Reconciler(mode: .live, coexistence: .terway, lastGood: valid("9", "G").conflist!)
        _ = otherFile.observeNodeFile(.holds(sha256: "someone else's"))
        _ = otherFile.observe(rejected)
        #expect(otherFile.correction() == .none)
    }

    @Test func standaloneIgnoresTheNodeFileAndCreatesIt() {
        var reconciler = Reconciler(mode: .onStart, coexistence: .none, lastGood: valid("9", "G").conflist!)
        #expect(reconciler.observeNodeFile(.missing) == .none)
        let version = valid("10", "A")
        #expect(reconciler.observe(version) == .apply(version.conflist!))
        let rejected = Self.terwayCopy(of: "11", "T", rejected: "drifted")
        _ = reconciler.observeNodeFile(.holds(sha256: RenderedConflist(bytes: Array("T".utf8), pluginTypes: []).sha256))
        _ = reconciler.observe(rejected)
        #expect(reconciler.correction() == .none)
    }

    @Test func anExclusiveENINodeIsLeftToTerway() {
        var reconciler = Reconciler(mode: .live, coexistence: .terway)
        _ = reconciler.observeNodeFile(.holds(sha256: "fixed exclusive-ENI config"))
        let version = ObservedVersion(resourceVersion: "10", diagnostics: [], conflist: valid("10", "A").conflist, standAside: true)
        #expect(reconciler.observe(version) == .none)
        #expect(reconciler.applied == nil)
        let readiness = Readiness.check(
            applied: nil, latest: reconciler.latest, nodeFile: .success(ContentHash.sha256Hex(Array("fixed".utf8))), nodeFilePath: "/etc/cni/net.d/10-terway.conflist")
        #expect(readiness == .ready)
    }
}
