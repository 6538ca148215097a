/// A unified diff (`diff -u` format, three lines of context) between two texts, line by line.
/// The line matching is the standard library's Myers difference.
public struct UnifiedDiff {
    public enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    public let oldLabel: String
    public let newLabel: String
    public let lines: [Line]

    public init(old: String, new: String, oldLabel: String, newLabel: String) {
        self.oldLabel = oldLabel
        self.newLabel = newLabel
        let oldLines = Self.split(old)
        let newLines = Self.split(new)
        let difference = newLines.difference(from: oldLines)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var script: [Line] = []
        var i = 0
        var j = 0
        while i < oldLines.count || j < newLines.count {
            if i < oldLines.count, removed.contains(i) {
                script.append(.removed(oldLines[i]))
                i += 1
            } else if j < newLines.count, inserted.contains(j) {
                script.append(.added(newLines[j]))
                j += 1
            } else {
                script.append(.same(oldLines[i]))
                i += 1
                j += 1
            }
        }
        self.lines = script
    }

    /// The diff text, or "" when the texts are equal.
    public func render(context: Int = 3) -> String {
        let changed = lines.indices.filter { if case .same = lines[$0] { false } else { true } }
        guard let firstChange = changed.first else { return "" }
        var text = "--- \(oldLabel)\n+++ \(newLabel)\n"
        // Group changes whose contexts touch into one hunk.
        var hunkStart = max(0, firstChange - context)
        var hunkEnd = min(lines.count, firstChange + context + 1)
        for index in changed.dropFirst() {
            if index - context <= hunkEnd {
                hunkEnd = min(lines.count, index + context + 1)
            } else {
                text += hunk(hunkStart..<hunkEnd)
                hunkStart = index - context
                hunkEnd = min(lines.count, index + context + 1)
            }
        }
        return text + hunk(hunkStart..<hunkEnd)
    }

    private func hunk(_ range: Range<Int>) -> String {
        // Line numbers where the hunk starts in each file: count what came before it.
        var oldStart = 1
        var newStart = 1
        for line in lines[..<range.lowerBound] {
            switch line {
            case .same: oldStart += 1; newStart += 1
            case .removed: oldStart += 1
            case .added: newStart += 1
            }
        }
        var oldCount = 0
        var newCount = 0
        var body = ""
        for line in lines[range] {
            switch line {
            case .same(let text): oldCount += 1; newCount += 1; body += " \(text)\n"
            case .removed(let text): oldCount += 1; body += "-\(text)\n"
            case .added(let text): newCount += 1; body += "+\(text)\n"
            }
        }
        // diff -u numbers an empty side from the line before it.
        let oldHeader = oldCount == 0 ? "\(oldStart - 1),0" : oldCount == 1 ? "\(oldStart)" : "\(oldStart),\(oldCount)"
        let newHeader = newCount == 0 ? "\(newStart - 1),0" : newCount == 1 ? "\(newStart)" : "\(newStart),\(newCount)"
        return "@@ -\(oldHeader) +\(newHeader) @@\n" + body
    }

    private static func split(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
