import Agent
import ENIConfig
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
        #expect(reconciler.observe(bad) == .reportInvalid(bad.diagnostics))
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
