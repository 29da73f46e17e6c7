import Foundation
import Testing
@testable import WFRiskIngest
@testable import WFRiskScoring

/// Intervals, significance, funnel limits and the empirical-Bayes shrinkage against published
/// reference values and their properties (docs/methodology.md §3).
@Suite struct IntervalTests {
    private func close(_ a: Double?, _ b: Double, _ tolerance: Double = 0.0001) -> Bool {
        a.map { abs($0 - b) <= tolerance } ?? false
    }

    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I
    /// (method 3, the score interval; the same worked cases as Newcombe and Altman in Statistics
    /// with Confidence, 2000): 81/263, 15/148, 0/20, 1/29, to four decimals.
    @Test func wilsonReproducesNewcombesPublishedIntervals() throws {
        let cases: [(Double, Double, Double, Double)] = [
            (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
        ]
        for (x, n, low, high) in cases {
            let w = try #require(IntervalMethod.wilson(x, of: n, z: ConfidenceLevel.ci95.z))
            #expect(close(w.low, low), "\(x)/\(n) low \(w.low)")
            #expect(close(w.high, high), "\(x)/\(n) high \(w.high)")
        }
    }

    /// Byar's approximation against the exact Poisson limits it approximates (Breslow and Day
    /// 1987's tables; the Fingertips guidance: Byar's method is within 0.2% of exact for counts of
    /// 10 or more): O = 10, 20, 100 at 95%, to 0.01 of the count.
    @Test func byarReproducesTheExactPoissonLimits() throws {
        let cases: [(Double, Double, Double)] = [(10, 4.7954, 18.3904), (20, 12.2165, 30.8884), (100, 81.3640, 121.6280)]
        for (o, low, high) in cases {
            let b = try #require(IntervalMethod.byar(o, z: ConfidenceLevel.ci95.z))
            #expect(close(b.low, low, 0.01), "\(o) low \(b.low)")
            #expect(close(b.high, high, 0.01), "\(o) high \(b.high)")
        }
        // No events: the lower limit is 0, the upper Byar's for (0 + 1).
        let zero = try #require(IntervalMethod.byar(0, z: ConfidenceLevel.ci95.z))
        #expect(zero.low == 0 && zero.high > 3 && zero.high < 4)
    }

    /// PHEindicatormethods' published funnel-limit test data for proportions
    /// (tests/testthat/testdata_funnel_prop_outputs.csv: baseline 80.642448%, limits at 2 and 3
    /// standard deviations, per cent, clipped to [0, 100]), to 0.01 points.
    @Test func funnelLimitsForProportionsMatchPHEindicatormethods() throws {
        let target = 0.80642448
        let rows: [(Double, Double, Double, Double, Double)] = [
            (20, 63.326743, 97.958152, 53.341156, 100), (102, 72.974925, 88.309971, 68.553233, 92.731663),
            (1008, 78.203374, 83.081521, 76.796814, 84.488082), (110000, 80.408963, 80.875933, 80.274317, 81.010578),
            (3, 35.933491, 100, 10.150815, 100),
        ]
        for (n, l2, u2, l3, u3) in rows {
            let a = try #require(FunnelLimits.proportion(target: target, n: n, z: ConfidenceLevel.ci95.z))
            let b = try #require(FunnelLimits.proportion(target: target, n: n, z: ConfidenceLevel.ci998.z))
            #expect(close(100 * a.low, l2, 0.01) && close(100 * a.high, u2, 0.01), "n \(n) 95%: \(a)")
            #expect(close(100 * b.low, l3, 0.01) && close(100 * b.high, u3, 0.01), "n \(n) 99.8%: \(b)")
        }
        // Overdispersion widens them.
        let plain = FunnelLimits.proportion(target: 0.2, n: 100, z: 1.96)!, wide = FunnelLimits.proportion(target: 0.2, n: 100, z: 1.96, tau2: 0.001)!
        #expect(wide.low < plain.low && wide.high > plain.high)
    }

    /// Same rate on ten times the FTE: a narrower interval, at both levels, for every model.
    @Test(arguments: [0.02, 0.1, 0.3, 0.5, 0.9])
    func tenTimesTheDenominatorNarrowsTheInterval(rate: Double) throws {
        for model in [SamplingModel.binomial, .timeLost, .poisson] {
            for n in [5.0, 12.5, 40, 200] {
                for level in ConfidenceLevel.allCases {
                    let small = try #require(model.interval(numerator: rate * n, denominator: n, scale: 100, level: level, figures: nil)).interval
                    let large = try #require(model.interval(numerator: rate * n * 10, denominator: n * 10, scale: 100, level: level, figures: nil)).interval
                    #expect(large.high - large.low < small.high - small.low, "\(model) \(rate) on \(n)")
                    #expect(small.contains(100 * rate) && large.contains(100 * rate))
                }
            }
        }
    }

    /// Every interval contains its value, whatever the counts (random cases, incl. numerator > denominator).
    @Test func everyIntervalContainsItsValue() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let d = Double.random(in: 0.1...2000, using: &rng)
            let x = Double.random(in: 0...(1.3 * d), using: &rng)
            for model in [SamplingModel.binomial, .timeLost, .poisson, .events({ _ in 7 })] {
                for level in ConfidenceLevel.allCases {
                    let i = try #require(model.interval(numerator: x, denominator: d, scale: 100, level: level, figures: nil)).interval
                    #expect(i.contains(100 * x / d), "\(x)/\(d) \(model): \(i)")
                    #expect(i.low <= i.high)
                }
            }
        }
    }

    /// The 99.8% interval contains the 95% one, so a 99.8% difference is always a 95% one.
    @Test func theWiderLevelContainsTheNarrower() throws {
        for (x, n) in [(3.0, 10.0), (0, 12), (40, 300), (250, 260)] {
            let a = try #require(IntervalMethod.wilson(x, of: n, z: ConfidenceLevel.ci95.z))
            let b = try #require(IntervalMethod.wilson(x, of: n, z: ConfidenceLevel.ci998.z))
            #expect(b.low <= a.low && b.high >= a.high)
        }
    }

    @Test func significanceReadsTheInterval() {
        let i = ConfidenceInterval(low: 10, high: 14)
        #expect(Significance.of(i, against: 9) == .higher)
        #expect(Significance.of(i, against: 10) == .similar)
        #expect(Significance.of(i, against: 15) == .lower)
        #expect(Significance.of(nil, against: 15) == nil)
        #expect(Significance.higher.isWorse(direction: 1) && !Significance.higher.isWorse(direction: -1))
        #expect(Significance.lower.isWorse(direction: -1))
    }

    /// Spiegelhalter's estimator: no between-unit spread beyond sampling gives no estimate (the
    /// fallback); a known spread is recovered.
    @Test func betweenVarianceIsEstimatedFromTheSpread() throws {
        var rng = SystemRandomNumberGenerator()
        // Units at exactly England's rate: φ = 0, no overdispersion, no estimate.
        #expect(BetweenVariance.estimate(values: [0.2, 0.2, 0.2, 0.2], variances: [0.01, 0.02, 0.01, 0.03], target: 0.2) == nil)
        #expect(BetweenVariance.estimate(values: [0.1, 0.3], variances: [0.01, 0.01], target: 0.2) == nil)
        // True rates spread with sd 0.05 around 0.2, each seen with sampling variance 0.0004.
        var values: [Double] = [], variances: [Double] = []
        for _ in 0..<2000 {
            let truth = 0.2 + 0.05 * normal(&rng)
            values.append(truth + 0.02 * normal(&rng))
            variances.append(0.0004)
        }
        let e = try #require(BetweenVariance.estimate(values: values, variances: variances, target: 0.2))
        // The method of moments recovers the true 0.0025.
        #expect(e.tau2 > 0.0021 && e.tau2 < 0.0029, "tau2 \(e.tau2)")
        #expect(e.phi > 1)
    }

    /// Same rate on ten times the FTE: less shrinkage (a larger reliability), estimated or fallback.
    @Test func tenTimesTheDenominatorShrinksLess() throws {
        let estimated = Shrinker(prior: 0.15, estimate: .init(tau2: 0.002, phi: 3, units: 150), k: 25, model: .binomial, scale: 100)
        let fixed = Shrinker.fixed(model: .binomial, prior: 0.15, scale: 100, k: 25)
        for s in [estimated, fixed] {
            for n in [2.0, 10, 35, 400] {
                for rate in [0.05, 0.3] {
                    let small = try #require(s.adjusted(rate, denominator: n, figures: nil))
                    let large = try #require(s.adjusted(rate, denominator: 10 * n, figures: nil))
                    #expect(abs(large - 100 * rate) < abs(small - 100 * rate))
                    #expect(s.reliability(denominator: 10 * n, figures: nil) > s.reliability(denominator: n, figures: nil))
                    #expect(s.sd(denominator: 10 * n, adjusted: large, figures: nil) < s.sd(denominator: n, adjusted: small, figures: nil))
                }
            }
        }
    }

    private func normal(_ rng: inout SystemRandomNumberGenerator) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
