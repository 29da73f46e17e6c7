/// Parses numbers as DfE files write them: `15.9`, `-2`, `1,234`, `12.5%`, `3e2`.
enum NumberParsing {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        if end > start, bytes[end - 1] == 0x25 { end -= 1 } // trailing %
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
        // Slow path: thousands separators, exponents, long numbers.
        var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        if text.contains(",") {
            let groups = text.split(separator: ".", maxSplits: 1)
            let intPart = groups[0].split(separator: ",", omittingEmptySubsequences: false)
            let wellGrouped = intPart.count > 1 && intPart.dropFirst().allSatisfy { $0.count == 3 }
                && (1...3).contains(intPart[0].filter(\.isNumber).count)
            guard wellGrouped else { return nil }
            text = text.replacingOccurrences(of: ",", with: "")
        }
        guard let v = Double(text), v.isFinite else { return nil }
        return v
    }

    static func parse(_ text: String) -> Double? {
        var copy = Array(text.utf8)
        return copy.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }

    private static let powersOfTen: [Double] = (0...15).map { n in (0..<n).reduce(1.0) { a, _ in a * 10 } }
}
