import Foundation

/// Fixed-decimal formatting that does not depend on locale.
package enum Decimals {
    package static func format(_ value: Double, _ decimals: Int) -> String {
        precondition(value.isFinite, "non-finite value cannot be written")
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        var scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        if scaled == 0 { scaled = 0 } // no "-0.00"
        let negative = scaled < 0
        // Beyond what fits in 64 bits once scaled (about 9.2e16 at two decimals): C's exact decimal
        // expansion, rounded to the same places (no value from a valid input is this large, but a
        // broken file given to `wfrisk diff` may hold one; writing it must never stop the process).
        guard abs(scaled) < 9.2e18 else { return String(format: "%.\(decimals)f", value) }
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
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[i..<capacity]), as: UTF8.self)
        }
    }

    /// Rounds to what `format` would write, so ranks agree with the written numbers.
    package static func round(_ value: Double, _ decimals: Int) -> Double {
        DecimalNumber.parse(format(value, decimals))!
    }
}
