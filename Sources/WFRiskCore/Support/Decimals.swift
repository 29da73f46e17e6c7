import Foundation

/// Fixed-decimal formatting that does not depend on locale.
package enum Decimals {
    package static func format(_ value: Double, _ decimals: Int) -> String {
        digits(value, decimals) { String(decoding: $0, as: UTF8.self) }
    }

    /// `format`, without the decimals when they are all zero ("42" for 42.0, "42.5"): the
    /// report's chart coordinates and labels. Cut from the bytes, not from a string made and
    /// searched (`hasSuffix`, `dropLast`: a tenth of the 100x unit pages' charts, perf).
    package static func compact(_ value: Double, _ decimals: Int) -> String {
        digits(value, decimals) { bytes in
            guard decimals > 0, bytes.suffix(decimals).allSatisfy({ $0 == UInt8(ascii: "0") }) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            return String(decoding: bytes.dropLast(decimals + 1), as: UTF8.self)
        }
    }

    /// What `format` writes, appended as bytes: no string made for each number. Why: the JSON
    /// writer wrote every number through a string (`format(...).utf8`), a tenth of scores.json's
    /// rendering at 100x (perf). `format` is the plain path the tests compare it with.
    package static func append(_ value: Double, _ decimals: Int, to out: inout [UInt8]) {
        digits(value, decimals) { out.append(contentsOf: $0) }
    }

    /// What `compact` writes, appended as bytes (the report's charts, FastPaths/ChartBytes.swift).
    package static func appendCompact(_ value: Double, _ decimals: Int, to out: inout [UInt8]) {
        digits(value, decimals) { bytes in
            guard decimals > 0, bytes.suffix(decimals).allSatisfy({ $0 == UInt8(ascii: "0") }) else {
                out.append(contentsOf: bytes)
                return
            }
            out.append(contentsOf: bytes.dropLast(decimals + 1))
        }
    }

    /// `String(v)`'s characters appended as bytes: digits written right to left into a small
    /// buffer, not through a string made for each number (scores.json's ranks, years and counts,
    /// `JSONWriter.int`).
    package static func appendWhole(_ v: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var i = 20, n = v.magnitude
            repeat {
                i -= 1
                buffer[i] = UInt8(n % 10) + 0x30
                n /= 10
            } while n > 0
            if v < 0 { out.append(0x2D) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<20]))
        }
    }

    /// The characters of `value` with `decimals` places, handed to `body` as bytes.
    private static func digits<R>(_ value: Double, _ decimals: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        precondition(value.isFinite, "non-finite value cannot be written")
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        var scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        if scaled == 0 { scaled = 0 } // no "-0.00"
        let negative = scaled < 0
        // Beyond what fits in 64 bits once scaled (about 9.2e16 at two decimals): C's exact decimal
        // expansion, rounded to the same places (no value from a valid input is this large, but a
        // broken file given to `wfrisk diff` may hold one; writing it must never stop the process).
        guard abs(scaled) < 9.2e18 else {
            var text = String(format: "%.\(decimals)f", value)
            return text.withUTF8 { body($0) }
        }
        // Digits written right to left into a small buffer (this runs for every number written).
        var n = UInt64(abs(scaled))
        let capacity = 24 + decimals
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var i = capacity, written = 0
            repeat {
                if written == decimals && decimals > 0 { i -= 1; buffer[i] = 0x2E }
                i -= 1
                buffer[i] = UInt8(n % 10) + 0x30
                n /= 10
                written += 1
            } while n > 0 || written <= decimals
            if negative { i -= 1; buffer[i] = 0x2D }
            return body(UnsafeBufferPointer(rebasing: buffer[i..<capacity]))
        }
    }

    /// Rounds to what `format` would write, so ranks agree with the written numbers.
    package static func round(_ value: Double, _ decimals: Int) -> Double {
        DecimalNumber.parse(format(value, decimals))!
    }
}
