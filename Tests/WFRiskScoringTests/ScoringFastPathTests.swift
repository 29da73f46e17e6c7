import Testing
@testable import WFRiskCore
@testable import WFRiskScoring

/// The scoring's shortcuts for speed (`Sources/WFRiskScoring/FastPaths`) must give exactly what
/// their plain paths give, on seeded random inputs rich in ties.
@Suite struct ScoringFastPathTests {
    /// Values drawn from a few levels (many ties), or spread, in random order; both signs of zero.
    func randomValues(_ rng: inout SeededRandom, count: Int) -> [Double] {
        let levels = 1 + Int(rng.next() % 6)
        let tied = rng.chance(0.5)
        return (0..<count).map { _ in
            if rng.chance(0.05) { return rng.chance(0.5) ? 0.0 : -0.0 }
            return tied ? Double(rng.next() % UInt64(levels)) * 12.5 : 100 * rng.unit()
        }
    }

    @Test func selectionGivesTheSortedValueAtEveryPosition() {
        var rng = SeededRandom(seed: 21)
        for trial in 0..<300 {
            let count = 1 + Int(rng.next() % 60)
            var values = randomValues(&rng, count: count)
            if trial % 10 == 0 { values.sort() }
            if trial % 10 == 1 { values.sort(by: >) }
            for k in 0..<count {
                var copy = values
                #expect(OrderStatistic.select(&copy, k) == OrderStatistic.plain(values, k), "trial \(trial), k \(k)")
                #expect(copy.sorted() == values.sorted(), "selection must only reorder")
            }
            var copy = values
            #expect(OrderStatistic.median(&copy) == OrderStatistic.plainMedian(values), "trial \(trial)")
        }
    }

    @Test func medianWithANaNTakesThePlainPath() {
        var values = [3.0, .nan, 1.0, 2.0]
        let plain = OrderStatistic.plainMedian(values)
        let fast = OrderStatistic.median(&values)
        #expect(fast == plain || (fast.isNaN && plain.isNaN))
    }

    @Test func radixOrderIsTheComparisonSortsOrder() {
        var rng = SeededRandom(seed: 22)
        for trial in 0..<200 {
            let count = 1 + Int(rng.next() % 3000)
            let scores = randomValues(&rng, count: count)
            let order = DescendingOrder(count: count)
            // Twice through the same buffers, as a worker's successive draws do.
            for pass in 0..<2 {
                let shuffled = pass == 0 ? scores : scores.reversed()
                shuffled.withUnsafeBufferPointer { order.order($0) }
                let fast = (0..<count).map { order[$0] }, plain = DescendingOrder.plain(shuffled)
                let firstDifference = fast.indices.first { fast[$0] != plain[$0] }
                #expect(firstDifference == nil, "trial \(trial), pass \(pass): orders differ from rank \(firstDifference ?? -1)")
            }
        }
    }

    @Test func permutingAlongCyclesIsIndexing() {
        var rng = SeededRandom(seed: 23)
        for trial in 0..<200 {
            let count = Int(rng.next() % 200)
            var order = Array(0..<count)
            for i in order.indices.reversed() where i > 0 { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            let values = (0..<count).map { "v\($0)" }
            var permuted = values
            Ranking.permute(&permuted, to: order)
            #expect(permuted == order.map { values[$0] }, "trial \(trial)")
        }
    }
}
