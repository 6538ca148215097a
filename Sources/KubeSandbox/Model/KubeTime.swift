import Foundation

/// Kubernetes timestamps: `metav1.Time` (RFC 3339, whole seconds when written) and
/// `metav1.MicroTime` (exactly six fractional digits, which Go requires when parsing).
enum KubeTime {
    private static var rfc3339: Regex<(Substring, Substring, Substring, Substring, Substring, Substring, Substring, Substring?, Substring)> { #/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/# }

    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    static func formatMicro(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down)
        let micros = Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded(.down))
        let seconds = format(Date(timeIntervalSince1970: whole)).dropLast()  // drop the "Z"
        return "\(seconds).\(String(format: "%06d", micros))Z"
    }

    static func parse(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: rfc3339) else { return nil }
        return date(from: match.output)
    }

    static func parseMicro(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: rfc3339), let fraction = match.output.7, fraction.count == 7 else {
            return nil
        }
        return date(from: match.output)
    }

    private static func date(
        from parts: (Substring, Substring, Substring, Substring, Substring, Substring, Substring, Substring?, Substring)
    ) -> Date? {
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = zone(parts.8)
        components.year = Int(parts.1)
        components.month = Int(parts.2)
        components.day = Int(parts.3)
        components.hour = Int(parts.4)
        components.minute = Int(parts.5)
        components.second = Int(parts.6)
        guard components.isValidDate, let base = components.date else { return nil }
        let fraction = parts.7.flatMap { Double("0\($0)") } ?? 0
        return base.addingTimeInterval(fraction)
    }

    private static func zone(_ designator: Substring) -> TimeZone? {
        if designator == "Z" { return .gmt }
        let sign = designator.hasPrefix("-") ? -1 : 1
        let digits = designator.dropFirst().split(separator: ":").compactMap { Int($0) }
        guard digits.count == 2 else { return nil }
        return TimeZone(secondsFromGMT: sign * (digits[0] * 3600 + digits[1] * 60))
    }
}
