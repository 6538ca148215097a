/// Kubernetes `MicroTime` text, `2024-05-01T12:34:56.123456Z`, which Events require.
/// Written by hand because `ISO8601FormatStyle` stops at milliseconds.
enum MicroTime {
    /// Formats a time given as microseconds since 1970-01-01T00:00:00Z.
    static func format(microsecondsSince1970 total: Int64) -> String {
        let microsecondsPerDay: Int64 = 86_400_000_000
        let days = total >= 0 ? total / microsecondsPerDay : (total - microsecondsPerDay + 1) / microsecondsPerDay
        let withinDay = total - days * microsecondsPerDay
        let (year, month, day) = civilDate(daysSince1970: days)
        let seconds = withinDay / 1_000_000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
            + ".\(pad(withinDay % 1_000_000, 6))Z"
    }

    /// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a day number.
    private static func civilDate(daysSince1970: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
