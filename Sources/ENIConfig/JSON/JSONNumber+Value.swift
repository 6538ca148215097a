extension JSONNumber {
    /// Exact comparison by decimal value (`1 == 1.0 == 1e0 == 10e-1`, `-0 == 0`), never through
    /// `Double`, which would make `12345678901234567890` equal `12345678901234567891`.
    /// Literals whose exponent is beyond `Int`'s range compare by their written form.
    public func isNumericallyEqual(to other: JSONNumber) -> Bool {
        guard let mine = NormalizedDecimal(literal: literal), let theirs = NormalizedDecimal(literal: other.literal) else {
            return literal == other.literal
        }
        return mine == theirs
    }

    /// The value when it is a whole number that fits `Int` (`1.0` and `1e2` are whole);
    /// nil when it has a fractional part or is out of range.
    public var exactInteger: Int? {
        guard let decimal = NormalizedDecimal(literal: literal), decimal.exponent >= 0,
              decimal.exponent <= 19 - decimal.digits.count else { return nil }
        // Accumulated negatively, so that Int.min, whose magnitude has no positive Int, fits.
        var negated = 0
        let tens = repeatElement(UInt8(ascii: "0"), count: decimal.exponent)
        for digit in decimal.digits + tens {
            let (shifted, shiftOverflow) = negated.multipliedReportingOverflow(by: 10)
            let (next, digitOverflow) = shifted.subtractingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !shiftOverflow, !digitOverflow else { return nil }
            negated = next
        }
        if decimal.isNegative { return negated }
        return negated == .min ? nil : -negated
    }
}

/// A number literal reduced to sign × digits × 10^exponent with no leading or trailing zeros in
/// the digits, so literals with the same value have the same form. Zero has no digits and no sign.
struct NormalizedDecimal: Equatable {
    let isNegative: Bool
    /// ASCII digits.
    let digits: [UInt8]
    let exponent: Int

    /// Nil when `literal` is not a JSON number or its exponent does not fit `Int`.
    init?(literal: String) {
        var bytes = literal.utf8[...]
        let isNegative = bytes.first == UInt8(ascii: "-")
        if isNegative { bytes = bytes.dropFirst() }
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let integerPart = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(integerPart.count)
        var fractionPart = bytes.prefix(0)
        if bytes.first == UInt8(ascii: ".") {
            fractionPart = bytes.dropFirst().prefix(while: isDigit)
            guard !fractionPart.isEmpty else { return nil }
            bytes = bytes.dropFirst(1 + fractionPart.count)
        }
        var writtenExponent = 0
        var exponentFitsInt = true
        if let marker = bytes.first, marker | 0x20 == UInt8(ascii: "e") {
            bytes = bytes.dropFirst()
            let exponentIsNegative = bytes.first == UInt8(ascii: "-")
            if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            let exponentDigits = bytes.prefix(while: isDigit)
            guard !exponentDigits.isEmpty else { return nil }
            bytes = bytes.dropFirst(exponentDigits.count)
            for digit in exponentDigits where exponentFitsInt {
                let (shifted, shiftOverflow) = writtenExponent.multipliedReportingOverflow(by: 10)
                let (next, digitOverflow) = shifted.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
                exponentFitsInt = !shiftOverflow && !digitOverflow
                writtenExponent = next
            }
            if exponentIsNegative { writtenExponent = -writtenExponent }
        }
        guard !integerPart.isEmpty, bytes.isEmpty else { return nil }

        let significant = (Array(integerPart) + Array(fractionPart)).drop { $0 == UInt8(ascii: "0") }
        guard !significant.isEmpty else {
            (self.isNegative, self.digits, self.exponent) = (false, [], 0)
            return
        }
        let trailingZeros = significant.reversed().prefix { $0 == UInt8(ascii: "0") }.count
        let (exponent, overflow) = writtenExponent.addingReportingOverflow(trailingZeros - fractionPart.count)
        guard exponentFitsInt, !overflow else { return nil }
        (self.isNegative, self.digits, self.exponent) = (isNegative, Array(significant.dropLast(trailingZeros)), exponent)
    }
}
