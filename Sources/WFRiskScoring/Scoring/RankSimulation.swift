import Dispatch
import WFRiskCore

/// How sure a rank is: the overall score recomputed many times with each adjusted value moved
/// by its sampling noise, the weights perturbed, and one indicator left out in turn; the 5th and
/// 95th percentiles of the ranks it gets, and how often it reaches the high band
/// (docs/methodology.md §13). Each draw has its own seeded generator, so the result is the same
/// at any thread count.
package enum RankSimulation {
    /// One unit's indicator inputs to a draw.
    struct Term {
        var component: Int       // 0 instability, 1 caseload risk
        var slot: Int            // position among the run's weighted indicators
        var adjusted: Double
        var sd: Double
        var median: Double
        var scale: Double
        var direction: Double
        /// Fixed-scale (inspection concern): z = clamp × adjusted.
        var fixed: Bool
    }

    package static func apply(_ table: inout ScoreTable, settings: ScoringSettings, threads: Int) {
        let draws = settings.uncertainty.draws
        let rankedIndices = table.units.indices.filter { table.units[$0].isRanked }
        guard draws > 0, rankedIndices.count > 1 else { return }
        // The run's weighted indicators, in order: what a draw may leave out.
        let indicators = Indicator.allCases.filter { table.sources.contains($0.source) && settings.weight($0) > 0 }
        let slotOf = Dictionary(uniqueKeysWithValues: indicators.enumerated().map { ($1, $0) })
        let refs = Dictionary(uniqueKeysWithValues: table.references.map { ($0.indicator, $0) })
        let terms: [[Term]] = rankedIndices.map { i in
            let u = table.units[i]
            var list: [Term] = []
            for (c, component) in [u.instability, u.caseloadRisk].enumerated() {
                for r in component.indicators {
                    guard r.z != nil, let a = r.adjusted, let slot = slotOf[r.indicator], let ref = refs[r.indicator] else { continue }
                    let fixed = ref.scaleMethod == "fixed"
                    list.append(Term(component: c, slot: slot, adjusted: a, sd: r.sd ?? 0, median: ref.median,
                                     scale: ref.scale, direction: r.indicator.direction, fixed: fixed))
                }
            }
            return list
        }
        let weights = indicators.map { settings.weight($0) }
        let clamp = settings.zClamp
        let wI = settings.blend[.instability] ?? 0.5, wC = settings.blend[.caseloadRisk] ?? 0.5
        let spread = settings.uncertainty.weightSpread
        let seed = UInt64(settings.uncertainty.seed)
        let n = rankedIndices.count
        // The high band's threshold on the observed overall scores.
        let reference = table.bandReferences.first { $0.0 == "overall" }?.1 ?? BandReference(rankedIndices.compactMap { table.units[$0].overall })
        let highFrom = reference.median + Band.highFrom * reference.scale

        // Ranks as 32-bit integers and high-band hits as bytes (whole numbers, so converting them
        // back gives the same doubles): on workload b (20,000 units × 500 draws) two buffers of
        // doubles were 160 MB of the run's peak memory, these are 50 MB.
        let ranks = DrawBuffer<Int32>(count: draws * n)
        let high = DrawBuffer<UInt8>(count: draws * n)
        let model = DrawScores.Model(terms: terms, weights: weights, clamp: clamp, blend: (wI, wC), spread: spread, seed: seed)
        let flat = DrawScores.Flat(terms)
        let workers = max(1, min(threads, draws))
        Parallel.workers(workers) { w in
            var scores = [Double](repeating: 0, count: n)
            let order = DescendingOrder(count: n)
            var factor = [Double](repeating: 1, count: weights.count)
            var weighted = [Double](repeating: 0, count: weights.count)
            var d = w
            while d < draws {
                // The terms read as flat columns (`DrawScores.flat`, pinned to `DrawScores.plain`).
                DrawScores.flat(model, flat, draw: d, into: &scores, factor: &factor, weighted: &weighted)
                // Highest score first, ties by position.
                scores.withUnsafeBufferPointer { order.order($0) }
                for position in 0..<n {
                    let u = order[position]
                    ranks[d * n + u] = Int32(position + 1)
                    high[d * n + u] = scores[u] >= highFrom ? 1 : 0
                }
                d += workers
            }
        }
        // Each unit's ranks over the draws, gathered a block of units at a time (a draw's ranks
        // are contiguous, a unit's are `n` apart); blocks on the run's threads.
        let published = rankedIndices.map { table.units[$0].overallRank! }
        let block = 256
        let blocks = Parallel.map(Array(stride(from: 0, to: n, by: block)), threads: threads) { start -> [RankUncertainty] in
            let end = min(n, start + block)
            var columns = [[Double]](repeating: [Double](repeating: 0, count: draws), count: end - start)
            var hits = [Double](repeating: 0, count: end - start)
            for d in 0..<draws {
                for u in start..<end {
                    columns[u - start][d] = Double(ranks[d * n + u])
                    hits[u - start] += Double(high[d * n + u])
                }
            }
            return (start..<end).map { u in
                let rank = published[u]
                // The published rank always lies inside its interval.
                let low = min(rank, Int(OrderStatistic.quantile(&columns[u - start], 0.05).rounded(.down)))
                let highRank = max(rank, Int(OrderStatistic.quantile(&columns[u - start], 0.95).rounded(.up)))
                return RankUncertainty(rankLow: low, rankHigh: highRank, pHighBand: hits[u - start] / Double(draws))
            }
        }
        for (u, uncertainty) in blocks.joined().enumerated() { table.units[rankedIndices[u]].uncertainty = uncertainty }
    }
}

/// A buffer that draws running on different threads fill at distinct positions, without locks
/// (each position is written by exactly one draw).
final class DrawBuffer<Element: FixedWidthInteger>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Element>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0)
    }

    deinit { storage.deallocate() }

    subscript(i: Int) -> Element {
        get { storage[i] }
        set { storage[i] = newValue }
    }
}
