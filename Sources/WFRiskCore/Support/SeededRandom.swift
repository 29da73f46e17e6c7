/// SplitMix64: a small, fast generator whose output depends only on the seed,
/// so `wfrisk sample` writes the same bytes for the same seed on every machine.
package struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    package mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Mean 0, variance 1: the sum of four uniforms, rescaled (cheap, bounded at ±3.46; for noise
    /// that needs a symmetric spread of the right size, not normal tails). Here, beside `unit`,
    /// so its four draws are inlined: called across modules, each `unit` was a call of its own.
    package mutating func approximateNormal() -> Double {
        let s = unit() + unit() + unit() + unit()
        return (s - 2) * 1.7320508075688772
    }

    /// Standard normal (Box–Muller).
    package mutating func normal() -> Double {
        let u1 = max(unit(), 1e-12), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    package mutating func chance(_ p: Double) -> Bool { unit() < p }

    package mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
