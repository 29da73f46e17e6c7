import Foundation
import WFRiskCore
import WFRiskScoring

/// Rank-based measures of how well a score orders outcomes (docs/validity.md).
enum RankStatistics {
    /// Average ranks (1-based; tied values share the mean of their positions).
    static func averageRanks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = mean }
            i = j + 1
        }
        return ranks
    }

    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative, ties counting one half (Mann–Whitney U / (n₊ n₋)). Nil without both classes.
    static func auc(_ scores: [Double], _ positive: [Bool]) -> Double? {
        precondition(scores.count == positive.count)
        let nPos = positive.lazy.filter { $0 }.count, nNeg = positive.count - nPos
        guard nPos > 0, nNeg > 0 else { return nil }
        let ranks = averageRanks(scores)
        var sum = 0.0
        for i in ranks.indices where positive[i] { sum += ranks[i] }
        return (sum - Double(nPos) * Double(nPos + 1) / 2) / (Double(nPos) * Double(nNeg))
    }

    /// Spearman's rank correlation (Pearson correlation of average ranks). Nil when either
    /// side is constant or there are fewer than 3 pairs.
    static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count)
        guard x.count >= 3 else { return nil }
        return pearson(averageRanks(x), averageRanks(y))
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double? {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let da = a[i] - ma, db = b[i] - mb
            sab += da * db; saa += da * da; sbb += db * db
        }
        guard saa > 0, sbb > 0 else { return nil }
        return sab / (saa * sbb).squareRoot()
    }

    /// The `p` quantile of sorted values, linear between order statistics (R's type 7).
    static func quantile(sorted v: [Double], _ p: Double) -> Double? {
        guard !v.isEmpty else { return nil }
        return RobustScale.quantile(p, count: v.count) { v[$0] }
    }
}

/// A seeded cluster bootstrap: observations are resampled by cluster (an authority, with
/// all its years), so intervals reflect how many authorities there are, not how many pairs.
struct ClusterBootstrap: Sendable {
    /// For each draw, the observation indices it contains (with repeats).
    let draws: [[Int]]

    /// `clusters[i]` names observation i's cluster. Draw b picks as many clusters as there
    /// are, with replacement, from a SplitMix64 stream seeded by `seed`.
    init(clusters: [String], draws count: Int, seed: UInt64) {
        let names = Array(Set(clusters)).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var members = [[Int]](repeating: [], count: names.count)
        for (i, c) in clusters.enumerated() { members[index[c]!].append(i) }
        var rng = SeededRandom(seed: seed)
        var out: [[Int]] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            var draw: [Int] = []
            draw.reserveCapacity(clusters.count)
            for _ in 0..<names.count where !names.isEmpty {
                draw += members[Int(rng.next() % UInt64(names.count))]
            }
            out.append(draw)
        }
        draws = out
    }

    /// Percentile interval of `statistic` over the draws (draws where it is undefined are
    /// left out; nil when fewer than half are defined).
    func interval(level: Double = 0.95, _ statistic: ([Int]) -> Double?) -> (low: Double, high: Double)? {
        let values = draws.compactMap(statistic).sorted()
        guard !values.isEmpty, values.count * 2 >= draws.count else { return nil }
        let tail = (1 - level) / 2
        guard let lo = RankStatistics.quantile(sorted: values, tail), let hi = RankStatistics.quantile(sorted: values, 1 - tail) else { return nil }
        return (lo, hi)
    }
}
