import CommandLineSupport
import Foundation
import Testing

@Suite struct UnifiedDiffTests {
    @Test func equalTextsGiveNoDiff() {
        #expect(UnifiedDiff(old: "a\nb\n", new: "a\nb\n", oldLabel: "x", newLabel: "y").render() == "")
    }

    @Test func oneChangedLineWithContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        #expect(UnifiedDiff(old: old, new: new, oldLabel: "a", newLabel: "b").render() == """
            --- a
            +++ b
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +line five
             line 6
             line 7
             line 8

            """)
    }

    @Test func distantChangesMakeSeparateHunks() {
        let old = (1...20).map { "\($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "\n2\n", with: "\nTWO\n").replacingOccurrences(of: "\n19\n", with: "\nNINETEEN\n")
        let text = UnifiedDiff(old: old, new: new, oldLabel: "a", newLabel: "b").render()
        #expect(text.components(separatedBy: "\n@@ ").count == 3)
        #expect(text.contains("@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n"))
        #expect(text.contains("@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+NINETEEN\n 20\n"))
    }

    @Test func fromNothing() {
        #expect(UnifiedDiff(old: "", new: "a\nb\n", oldLabel: "/dev/null", newLabel: "f").render() == "--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+a\n+b\n")
    }
}
