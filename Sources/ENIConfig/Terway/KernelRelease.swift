/// A kernel release (`5.10.134-16.3.al8.x86_64`) compared as Terway compares it
/// (`checkKernelVersion` with its copy of the Go runtime's `parseRelease`): anything after `-`
/// or `+` is dropped, minor and patch may be left out, and a release that does not parse is too old.
struct KernelRelease {
    let major: Int
    let minor: Int
    let patch: Int

    init?(_ release: String) {
        var rest = Substring(release.prefix { $0 != "-" && $0 != "+" })
        // `next()` of parseRelease: the number before the next ".", consuming it and the dot.
        func next() -> Int? {
            let end = rest.firstIndex(of: ".") ?? rest.endIndex
            let number = goAtoi(rest[..<end])
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
            return number
        }
        guard let major = next() else { return nil }
        var minor = 0, patch = 0
        if !rest.isEmpty {
            guard let parsed = next() else { return nil }
            minor = parsed
            if !rest.isEmpty {
                guard let parsed = next() else { return nil }
                patch = parsed
            }
        }
        (self.major, self.minor, self.patch) = (major, minor, patch)
    }

    func isAtLeast(_ major: Int, _ minor: Int, _ patch: Int) -> Bool {
        (self.major, self.minor, self.patch) >= (major, minor, patch)
    }
}

/// `strconv.Atoi`: an optional sign, then one or more ASCII digits, within Int's range.
private func goAtoi(_ text: Substring) -> Int? {
    let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : text
    guard !digits.isEmpty, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
    return Int(text.first == "+" ? digits : text)
}
