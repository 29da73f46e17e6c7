import Foundation

/// The two confidence levels every interval is given at (Fingertips' practice: 95% and 99.8%,
/// about two and three standard errors). docs/methodology.md §3.
public enum ConfidenceLevel: String, Sendable, CaseIterable {
    case ci95 = "95"
    case ci998 = "99.8"

    /// The two-sided standard normal quantile: Φ⁻¹(1 − α/2).
    public var z: Double {
        switch self {
        case .ci95: return 1.959963984540054
        case .ci998: return 3.090232306167813
        }
    }
}

/// A confidence interval on an indicator's own scale.
public struct ConfidenceInterval: Sendable, Equatable {
    public var low: Double
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    public func scaled(by s: Double) -> ConfidenceInterval { ConfidenceInterval(low: low * s, high: high * s) }

    /// Whether `x` lies inside, allowing for rounding of the bounds.
    public func contains(_ x: Double, tolerance: Double = 1e-9) -> Bool { x >= low - tolerance && x <= high + tolerance }
}

/// The interval methods wfrisk uses (docs/methodology.md §3): Wilson's score interval for a
/// proportion and Byar's approximation to the exact Poisson interval for a count, as OHID's
/// Fingertips and PHEindicatormethods use them; a normal interval for a difference of counts.
public enum IntervalMethod: String, Sendable {
    case wilson, byar, normal

    /// Wilson's score interval for `x` of `n` (proportion scale). `x` may be fractional (FTE).
    public static func wilson(_ x: Double, of n: Double, z: Double) -> ConfidenceInterval? {
        guard n > 0, x >= 0, x <= n else { return nil }
        let p = x / n
        let z2 = z * z
        let centre = 2 * n * p + z2
        let spread = z * (z2 + 4 * n * p * (1 - p)).squareRoot()
        let denominator = 2 * (n + z2)
        return ConfidenceInterval(low: max(0, (centre - spread) / denominator), high: min(1, (centre + spread) / denominator))
    }

    /// Byar's interval for an observed count `o` (count scale):
    /// `o (1 − 1/(9o) − z/(3√o))³` to `(o+1) (1 − 1/(9(o+1)) + z/(3√(o+1)))³`; the lower limit is 0
    /// for no events (and never below 0).
    public static func byar(_ o: Double, z: Double) -> ConfidenceInterval? {
        guard o >= 0, o.isFinite else { return nil }
        var low = 0.0
        if o > 0 {
            let b = 1 - 1 / (9 * o) - z / (3 * o.squareRoot())
            low = b > 0 ? o * b * b * b : 0
        }
        let o1 = o + 1
        let c = 1 - 1 / (9 * o1) + z / (3 * o1.squareRoot())
        return ConfidenceInterval(low: low, high: o1 * c * c * c)
    }

    /// `value ± z·sd`.
    public static func normal(_ value: Double, sd: Double, z: Double) -> ConfidenceInterval? {
        guard sd.isFinite, sd >= 0, value.isFinite else { return nil }
        return ConfidenceInterval(low: value - z * sd, high: value + z * sd)
    }
}

/// Where a value's interval lies against a reference (England's value, the statistical
/// neighbours' median): above it, overlapping it, or below it. Polarity is not applied here:
/// `higher` is worse for an indicator whose direction is +1.
public enum Significance: String, Sendable, CaseIterable {
    case higher, similar, lower

    public static func of(_ interval: ConfidenceInterval?, against reference: Double?) -> Significance? {
        guard let interval, let reference else { return nil }
        if interval.low > reference { return .higher }
        if interval.high < reference { return .lower }
        return .similar
    }

    /// Significantly worse given the indicator's direction (+1: higher is worse).
    public func isWorse(direction: Double) -> Bool {
        direction > 0 ? self == .higher : self == .lower
    }
}

/// Funnel-plot control limits (Spiegelhalter, "Funnel plots for comparing institutional
/// performance", Statistics in Medicine 2005): the target `θ₀` ± `z` standard errors of a unit
/// with denominator `n`, widened by the between-unit variance `τ²` (the additive random-effects
/// adjustment for overdispersion; `τ² = 0` gives the plain limits PHEindicatormethods draws).
public enum FunnelLimits {
    /// Limits on the proportion scale for a proportion `target` (0 … 1), clipped to [0, 1].
    public static func proportion(target: Double, n: Double, z: Double, tau2: Double = 0) -> ConfidenceInterval? {
        guard n > 0 else { return nil }
        let se = (target * (1 - target) / n + tau2).squareRoot()
        return ConfidenceInterval(low: max(0, target - z * se), high: min(1, target + z * se))
    }

    /// Limits for a rate of events per unit of `n` (Poisson: variance `target / n`), not below 0.
    public static func rate(target: Double, n: Double, z: Double, tau2: Double = 0) -> ConfidenceInterval? {
        guard n > 0 else { return nil }
        let se = (target / n + tau2).squareRoot()
        return ConfidenceInterval(low: max(0, target - z * se), high: target + z * se)
    }
}

/// The between-authority variance of an indicator in a year, estimated from the data by the
/// method of moments (DerSimonian and Laird; Spiegelhalter 2005's additive-overdispersion
/// estimate): each unit's z-score against England's value with its own sampling variance,
/// `φ = mean(z²)`, and `τ² = (Iφ − (I − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ)` with `wᵢ = 1/vᵢ`. The z-scores are
/// not winsorised: at Spiegelhalter's 10%/90% winsorising, φ of normal z-scores with no
/// overdispersion is about 0.7, not 1 (on 2023 absence it gives φ = 0.67 and no estimate, where the
/// plain moments give 1.05). nil when it cannot be estimated (fewer than 3 units, or no
/// overdispersion: `Iφ ≤ I − 1`); the caller then falls back.
public enum BetweenVariance {
    public struct Estimate: Sendable, Equatable {
        /// Between-unit variance on the proportion (or rate) scale.
        public var tau2: Double
        /// Overdispersion factor φ (mean of z²).
        public var phi: Double
        public var units: Int
    }

    /// `values` and `variances` pairwise (proportion or rate scale); non-positive variances are left out.
    public static func estimate(values: [Double], variances: [Double], target: Double) -> Estimate? {
        var sz2 = 0.0, sw = 0.0, sw2 = 0.0
        var count = 0
        for (y, v) in zip(values, variances) where v > 0 && v.isFinite && y.isFinite {
            let z = (y - target) / v.squareRoot()
            sz2 += z * z
            sw += 1 / v
            sw2 += 1 / (v * v)
            count += 1
        }
        guard count >= 3 else { return nil }
        let i = Double(count)
        let phi = sz2 / i
        guard i * phi > i - 1 else { return nil }
        let tau2 = (i * phi - (i - 1)) / (sw - sw2 / sw)
        guard tau2 > 0, tau2.isFinite else { return nil }
        return Estimate(tau2: tau2, phi: phi, units: count)
    }
}
