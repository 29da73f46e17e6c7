/// The one number parser of wfrisk: decimal notation only, everywhere a number is read (data
/// cells, pipeline settings, rule files, score files given to `diff`, figures in inspection texts,
/// command-line options).
///
/// Accepted: an optional sign, digits with at most one decimal point (`15.9`, `-2`, `.5`, `3.`),
/// and an optional exponent (`3e2`, `1.5E-3`). Refused (nil): hexadecimal (`0x10`, `0x1.1cp5`,
/// which Swift's `Double(_:)` and C's `strtod` would read as 16 and 35.5), `nan`, `inf`,
/// `infinity`, underscores, inner spaces, and anything that does not fit in a finite double.
/// Options: `grouping` accepts thousands separators in the whole part (`1,234.5`, groups of three)
/// and `percent` a trailing `%`, as DfE cells write them. Leading and trailing spaces and tabs are ignored.
package enum DecimalNumber {
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, grouping: Bool = false, percent: Bool = false) -> Double? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        if percent, end > start, bytes[end - 1] == 0x25 { end -= 1 } // trailing %
        guard end > start else { return nil }
        // Fast path: optional sign, up to 15 digits, optional fraction.
        var i = start
        var negative = false
        if bytes[i] == 0x2D || bytes[i] == 0x2B { negative = bytes[i] == 0x2D; i += 1 }
        var mantissa: Int64 = 0
        var digits = 0, fractionDigits = 0
        var sawDot = false, simple = i < end
        while i < end {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 {
                mantissa = mantissa * 10 + Int64(b - 0x30)
                digits += 1
                if sawDot { fractionDigits += 1 }
                if digits > 15 { simple = false; break }
            } else if b == 0x2E && !sawDot {
                sawDot = true
            } else {
                simple = false
                break
            }
            i += 1
        }
        if simple && digits > 0 {
            let value = Double(mantissa) / powersOfTen[fractionDigits]
            return negative ? -value : value
        }
        // Slow path: thousands separators, exponents, long numbers; the syntax is checked here,
        // so `Double(_:)` only ever sees plain decimal text.
        var text: [UInt8] = []
        text.reserveCapacity(end - start)
        var j = start
        if bytes[j] == 0x2D || bytes[j] == 0x2B { text.append(bytes[j]); j += 1 }
        // Whole part, with thousands groups when allowed.
        var whole: [Int] = [0] // digits per group
        while j < end {
            let b = bytes[j]
            if b >= 0x30 && b <= 0x39 {
                whole[whole.count - 1] += 1
                text.append(b)
            } else if b == 0x2C && grouping && whole.last! > 0 {
                whole.append(0)
            } else { break }
            j += 1
        }
        if whole.count > 1 {
            guard (1...3).contains(whole[0]), whole.dropFirst().allSatisfy({ $0 == 3 }) else { return nil }
        }
        var fraction = 0
        if j < end, bytes[j] == 0x2E {
            text.append(bytes[j]); j += 1
            while j < end, bytes[j] >= 0x30 && bytes[j] <= 0x39 { text.append(bytes[j]); fraction += 1; j += 1 }
        }
        guard whole.reduce(0, +) + fraction > 0 else { return nil }
        if j < end, bytes[j] == 0x65 || bytes[j] == 0x45 {
            text.append(bytes[j]); j += 1
            if j < end, bytes[j] == 0x2D || bytes[j] == 0x2B { text.append(bytes[j]); j += 1 }
            var exponent = 0
            while j < end, bytes[j] >= 0x30 && bytes[j] <= 0x39 { text.append(bytes[j]); exponent += 1; j += 1 }
            guard exponent > 0 else { return nil }
        }
        guard j == end, let v = Double(String(decoding: text, as: UTF8.self)), v.isFinite else { return nil }
        return v
    }

    package static func parse(_ text: some StringProtocol, grouping: Bool = false, percent: Bool = false) -> Double? {
        // Read in place where the text is contiguous (a native string); copied otherwise.
        if let v = text.utf8.withContiguousStorageIfAvailable({ parse($0, grouping: grouping, percent: percent) }) { return v }
        let copy = Array(text.utf8)
        return copy.withUnsafeBufferPointer { parse($0, grouping: grouping, percent: percent) }
    }

    /// A whole number in decimal digits (optional sign), e.g. a rank; nil for anything else (`0x10`, `1e3`, `2.0`).
    package static func integer(_ text: some StringProtocol) -> Int? {
        var s = Substring(text)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return Int(s, radix: 10)
    }

    private static let powersOfTen: [Double] = (0...15).map { n in (0..<n).reduce(1.0) { a, _ in a * 10 } }
}
