import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRisk

@Suite struct RankStatisticsTests {
    /// Every (positive, negative) pair compared directly: the definition the rank formula must match.
    func pairwiseAUC(_ x: [Double], _ y: [Bool]) -> Double {
        var wins = 0.0, pairs = 0.0
        for i in x.indices where y[i] {
            for j in x.indices where !y[j] {
                pairs += 1
                wins += x[i] > x[j] ? 1 : (x[i] == x[j] ? 0.5 : 0)
            }
        }
        return wins / pairs
    }

    @Test func aucOfHandComputedCases() throws {
        // Positives 2 and 4 against negatives 1 and 3: 3 of 4 pairs ordered.
        #expect(try #require(RankStatistics.auc([1, 2, 3, 4], [false, true, false, true])) == 0.75)
        // A tie between a positive and a negative counts one half: (0.5 + 1 + 1 + 1) / 4.
        #expect(try #require(RankStatistics.auc([1, 2, 2, 3], [false, true, false, true])) == 0.875)
        #expect(try #require(RankStatistics.auc([5, 1], [true, false])) == 1)
        #expect(try #require(RankStatistics.auc([5, 1], [false, true])) == 0)
        #expect(RankStatistics.auc([1, 2, 3], [true, true, true]) == nil)
        #expect(RankStatistics.auc([], []) == nil)
    }

    @Test func averageRanksShareTies() {
        #expect(RankStatistics.averageRanks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
    }

    @Test func spearmanOfHandComputedCase() throws {
        // Ranks of y are 1, 2, 3.5, 5, 3.5: covariance 8 over sqrt(10 × 9.5).
        let rho = try #require(RankStatistics.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]))
        #expect(abs(rho - 8 / (95.0).squareRoot()) < 1e-12)
        #expect(RankStatistics.spearman([1, 2, 3], [4, 4, 4]) == nil)
        #expect(try #require(RankStatistics.spearman([1, 2, 3], [30, 20, 10])) == -1)
    }

    @Test func quantileInterpolatesLikeRType7() throws {
        #expect(try #require(RankStatistics.quantile(sorted: [1, 2, 3, 4], 0.25)) == 1.75)
        #expect(try #require(RankStatistics.quantile(sorted: [1, 2, 3, 4], 1)) == 4)
        #expect(try #require(RankStatistics.quantile(sorted: [7], 0.5)) == 7)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func aucProperties(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let n = 5 + Int(rng.next() % 40)
        // Coarse values so that ties occur.
        let x = (0..<n).map { _ in (rng.unit() * 8).rounded() - 3 }
        var y = (0..<n).map { _ in rng.chance(0.3) }
        y[0] = true; y[1] = false
        let a = try #require(RankStatistics.auc(x, y))
        #expect(abs(a - pairwiseAUC(x, y)) < 1e-12)
        // Reversing the score reverses the ordering: AUC(−x) = 1 − AUC(x).
        #expect(abs(try #require(RankStatistics.auc(x.map { -$0 }, y)) - (1 - a)) < 1e-12)
        // Only the order matters: any strictly increasing transform gives the same AUC and Spearman.
        #expect(abs(try #require(RankStatistics.auc(x.map { exp($0) * 3 + 1 }, y)) - a) < 1e-12)
        let g = (0..<n).map { _ in Double(1 + rng.next() % 4) }
        if let r = RankStatistics.spearman(x, g) {
            #expect(abs(try #require(RankStatistics.spearman(x.map { $0 * $0 * $0 }, g)) - r) < 1e-12)
            #expect(abs(try #require(RankStatistics.spearman(x.map { -$0 }, g)) + r) < 1e-12)
        }
    }
}

@Suite struct ClusterBootstrapTests {
    @Test func drawsResampleWholeClustersAndRepeatForASeed() {
        let clusters = ["a", "a", "b", "c", "c", "c"]
        let boot = ClusterBootstrap(clusters: clusters, draws: 200, seed: 7)
        #expect(boot.draws.count == 200)
        for draw in boot.draws {
            // Each draw holds three clusters, each with all its observations.
            let counts = Dictionary(grouping: draw, by: { clusters[$0] }).mapValues(\.count)
            #expect(counts["a", default: 0] % 2 == 0 && counts["c", default: 0] % 3 == 0)
            let picks = counts["a", default: 0] / 2 + counts["b", default: 0] + counts["c", default: 0] / 3
            #expect(picks == 3)
        }
        #expect(ClusterBootstrap(clusters: clusters, draws: 200, seed: 7).draws == boot.draws)
        #expect(ClusterBootstrap(clusters: clusters, draws: 200, seed: 8).draws != boot.draws)
    }

    @Test func intervalOfHandComputedCase() throws {
        // Two clusters, values 0 and 1: the mean of a draw is 0, 0.5 or 1 with chances 1/4, 1/2, 1/4.
        let values = [0.0, 1.0]
        let boot = ClusterBootstrap(clusters: ["x", "y"], draws: 4000, seed: 1)
        let means = boot.draws.map { d in d.map { values[$0] }.reduce(0, +) / Double(d.count) }
        let half = Double(means.filter { $0 == 0.5 }.count) / 4000
        #expect(abs(half - 0.5) < 0.03)
        let ci = try #require(boot.interval(level: 0.95) { d in d.map { values[$0] }.reduce(0, +) / Double(d.count) })
        #expect(ci.low == 0 && ci.high == 1)
        let narrow = try #require(boot.interval(level: 0.4) { d in d.map { values[$0] }.reduce(0, +) / Double(d.count) })
        #expect(narrow.low == 0.5 && narrow.high == 0.5)
        // Undefined in most draws: no interval rather than one from the few defined draws.
        #expect(boot.interval { d in Set(d).count == 2 && d.count == 2 ? nil : 1 } != nil)
        #expect(boot.interval { _ in nil } == nil)
    }
}

/// The backtest on the real DfE workforce file and Ofsted judgements in ../shared/data.
@Suite(.enabled(if: Fixtures.sharedAvailable && FileManager.default.fileExists(atPath: Fixtures.realOfsted),
                Comment(rawValue: Fixtures.sharedSkipMessage)))
struct RealBacktestTests {
    @Test func pairsRespectTheCensusAndTheFiguresAreSane() throws {
        var pipeline = try Pipeline.load(path: Fixtures.repoRoot + "/pipelines/backtest.yml")
        pipeline.inputs.ofsted = [Fixtures.realOfsted]
        let report = try BacktestRunner.run(pipeline: pipeline, ofsted: [Fixtures.realOfsted],
                                            config: BacktestConfig(years: 2017...2019, horizonMonths: 24, draws: 20, seed: 3))
        #expect(report.years.map(\.year) == [2017, 2018, 2019])
        #expect(report.pairs.count > 150)
        for p in report.pairs {
            let census = DayStamp.census(p.year)
            #expect(p.outcome.judgement.published > census && p.outcome.judgement.published <= census.adding(months: 24))
            if let f = p.inForce { #expect(f.judgement.published <= census) }
        }
        // Every unit of a year is either paired or counted as having no judgement in the horizon.
        for y in report.years { #expect(y.paired + y.noInspection == y.units) }
        let overall = try #require(report.results.first { $0.scope == "2017-2019" && $0.predictor.name == "overall" })
        let auc = try #require(overall.aucInadequate.value)
        #expect(auc > 0.5 && auc < 0.95)
        #expect(overall.aucInadequate.low! <= auc && auc <= overall.aucInadequate.high!)
    }
}
