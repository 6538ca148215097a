/// Go's `encoding/json` form of a float64 (`floatEncoder`): the shortest decimal that reads
/// back as the same float64, written like `strconv.FormatFloat(f, 'f', -1, 64)`, or with an
/// exponent (`'e'`) when the magnitude is below 1e-6 or at least 1e21, where json then drops
/// a leading zero of a negative exponent (`1e-07` → `1e-7`). So `1.0` → `1`, `1e21` → `1e+21`,
/// `0.000001` → `0.000001`, `-0` → `-0`.
///
/// Written here because nothing in the toolchain formats floats Go's way; the shortest digits
/// come from Swift's `description`, which is shortest-round-trip like Go's (both pick the digit
/// string closest to the exact value when several shortest ones read back the same).
enum GoFloat {
    static func format(_ value: Double) -> String {
        precondition(value.isFinite, "JSON numbers are finite; the parser rejects overflow")
        let (digits, pointPosition) = shortestDigits(of: value.magnitude)
        let sign = value.sign == .minus ? "-" : ""
        guard !digits.isEmpty else { return sign + "0" }
        let magnitude = value.magnitude
        if magnitude < 1e-6 || magnitude >= 1e21 {
            return sign + exponentForm(digits, pointPosition: pointPosition)
        }
        return sign + fixedForm(digits, pointPosition: pointPosition)
    }

    /// The shortest round-trip digits of a non-negative value, without leading or trailing
    /// zeros, and where the decimal point stands: value = 0.DIGITS × 10^pointPosition. Zero has no digits.
    static func shortestDigits(of magnitude: Double) -> (digits: [UInt8], pointPosition: Int) {
        let text = Array(magnitude.description.utf8)
        let exponentStart = text.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = text[..<(exponentStart ?? text.endIndex)]
        var writtenExponent = 0
        if let exponentStart {
            let exponentText = String(decoding: text[(exponentStart + 1)...], as: UTF8.self)
            writtenExponent = Int(exponentText.hasPrefix("+") ? String(exponentText.dropFirst()) : exponentText) ?? 0
        }
        let point = mantissa.firstIndex(of: UInt8(ascii: ".")) ?? mantissa.endIndex
        var digits = Array(mantissa.filter { $0 != UInt8(ascii: ".") })
        var pointPosition = (point - mantissa.startIndex) + writtenExponent
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        pointPosition -= leadingZeros
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return digits.isEmpty ? ([], 0) : (digits, pointPosition)
    }

    /// `strconv`'s `%f` with the shortest precision: all integer digits (zeros past the
    /// digits), then the fraction's digits, if any.
    private static func fixedForm(_ digits: [UInt8], pointPosition: Int) -> String {
        var out: [UInt8] = []
        if pointPosition > 0 {
            out += digits.prefix(pointPosition)
            out += repeatElement(UInt8(ascii: "0"), count: max(0, pointPosition - digits.count))
        } else {
            out.append(UInt8(ascii: "0"))
        }
        if digits.count > pointPosition {
            out.append(UInt8(ascii: "."))
            out += repeatElement(UInt8(ascii: "0"), count: max(0, -pointPosition))
            out += digits.dropFirst(max(0, pointPosition))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `strconv`'s `%e` with the shortest precision (`d.ddde±XX`, at least two exponent
    /// digits), then json's clean-up of `e-0X` to `e-X`.
    private static func exponentForm(_ digits: [UInt8], pointPosition: Int) -> String {
        var out: [UInt8] = [digits[0]]
        if digits.count > 1 {
            out.append(UInt8(ascii: "."))
            out += digits.dropFirst()
        }
        let exponent = pointPosition - 1
        let exponentDigits = String(exponent.magnitude)
        out += "e\(exponent < 0 ? "-" : "+")".utf8
        if exponentDigits.count < 2 && exponent >= 0 { out.append(UInt8(ascii: "0")) }
        out += exponentDigits.utf8
        return String(decoding: out, as: UTF8.self)
    }
}

extension JSONNumber {
    /// The literal as Go writes it after reading it into a float64 (`1.50` → `1.5`, `1E3` → `1000`).
    /// The parser accepts only literals that fit a float64, as Go's decoder does.
    public var goFloat64Form: String {
        guard let value = Double(literal), value.isFinite else { return literal }
        return GoFloat.format(value)
    }
}
