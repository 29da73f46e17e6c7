import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
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

    /// `ReportingUnit.sorted` against `sorted()` on random units: single codes of different
    /// lengths (so that text order is not number order), joint returns, duplicates' absence.
    @Test func unitsSortedByKeyAreSortedUnits() {
        var rng = SeededRandom(seed: 41)
        for trial in 0..<300 {
            var seen = Set<ReportingUnit>()
            for _ in 0..<Int(rng.next() % 60) {
                let code = { String(rng.next() % (rng.chance(0.5) ? 1_000 : 30)) }
                seen.insert(rng.chance(0.1) ? ReportingUnit(memberCodes: [code(), code()]) : ReportingUnit(code()))
            }
            #expect(ReportingUnit.sorted(seen) == seen.sorted(), "trial \(trial)")
        }
    }

    /// A seeded series of synthetic authorities with some figures suppressed (a missing absence
    /// rate, a zero in post), as a dataset and its figure table.
    func series(seed: UInt64) throws -> (TidyDataset, FigureTable) {
        var rows = SyntheticData.rows(seed: seed, years: 2018...2023)
        var rng = SeededRandom(seed: seed &+ 7)
        for i in rows.indices {
            if rng.chance(0.2) { rows[i].absence = "c" }
            if rng.chance(0.05) { rows[i].inpost = 0 }
        }
        let path = Fixtures.temporaryDirectory() + "/wf.csv"
        try Fixtures.write(Fixtures.workforceCSV(rows), to: path)
        let dataset = try TidyDataset.merge([try Fixtures.reader().read(path: path, wanted: Measure.workforce, kind: "workforce")])
        return (dataset, FigureTable(dataset))
    }

    /// `YearShrinkage.shrinkers` against its plain path, every year of random series: the same
    /// prior, estimate (to the last bit), pseudo-count and scale for every indicator.
    @Test(arguments: [5, 6, 7, 8] as [UInt64])
    func yearShrinkageIsThePlainEstimate(seed: UInt64) throws {
        let (_, figures) = try series(seed: seed)
        let settings = try Fixtures.settings()
        var estimated = 0
        for year in 2018...2023 {
            let priors = Indicator.allCases.map { ScoringContext.prior($0, year: year, figures: figures) }
            let fast = YearShrinkage.shrinkers(year: year, figures: figures, priors: priors, settings: settings)
            let plain = YearShrinkage.plain(year: year, figures: figures, priors: priors, settings: settings)
            #expect(fast.count == plain.count)
            for (f, p) in zip(fast, plain) {
                #expect((f == nil) == (p == nil))
                guard let f, let p else { continue }
                #expect(f.prior?.bitPattern == p.prior?.bitPattern && f.k == p.k && f.scale == p.scale, "\(year)")
                #expect(f.estimate?.tau2.bitPattern == p.estimate?.tau2.bitPattern && f.estimate?.phi.bitPattern == p.estimate?.phi.bitPattern
                        && f.estimate?.units == p.estimate?.units, "\(year)")
                if f.estimate != nil { estimated += 1 }
            }
        }
        #expect(estimated > 0, "the series has estimated shrinkage to compare")
    }

    /// The shrinkage estimate sums over the year's units in code order, whatever order the
    /// figure table's dictionaries hold them in (that order changes with each process's hash
    /// seed, and a floating-point sum with its order: the estimate, and every adjusted value,
    /// could differ in their last bits from one run to the next). Expected: the estimate over
    /// the units sorted here, bit for bit, in both versions.
    @Test(arguments: [5, 6] as [UInt64])
    func shrinkageSumsInCodeOrder(seed: UInt64) throws {
        let (_, figures) = try series(seed: seed)
        let settings = try Fixtures.settings()
        var compared = 0
        for year in 2018...2023 {
            let inYear = try #require(figures.units[year])
            #expect(figures.unitOrder[year] == inYear.keys.sorted(), "\(year)")
            let priors = Indicator.allCases.map { ScoringContext.prior($0, year: year, figures: figures) }
            let fast = YearShrinkage.shrinkers(year: year, figures: figures, priors: priors, settings: settings)
            let plain = YearShrinkage.plain(year: year, figures: figures, priors: priors, settings: settings)
            for d in IndicatorDefinition.all {
                guard case .ratio(let r) = d.formula, let p = priors[d.indicator.ordinal] else { continue }
                var values: [Double] = [], variances: [Double] = []
                for u in inYear.keys.sorted() {
                    let f = inYear[u]!
                    guard let n = r.numerator(f, nil), let den = r.denominator(f, nil), den > 0,
                          let v = r.model.variance(at: p, denominator: den, figures: f) else { continue }
                    values.append(n / den)
                    variances.append(v)
                }
                let expected = BetweenVariance.estimate(values: values, variances: variances, target: p)
                for got in [fast[d.indicator.ordinal]?.estimate, plain[d.indicator.ordinal]?.estimate] {
                    #expect(got?.tau2.bitPattern == expected?.tau2.bitPattern && got?.phi.bitPattern == expected?.phi.bitPattern,
                            "\(d.indicator) \(year)")
                }
                if expected != nil { compared += 1 }
            }
        }
        #expect(compared > 10, "estimates compared: \(compared)")
    }

    /// `ComponentSum.lean` against `plain` on random indicator results (present or absent,
    /// with or without a z-score, zero weights, minimum coverages around the coverage): the same
    /// value to the last bit and the same coverage; when the value is missing, the same list.
    @Test func leanComponentGivesThePlainScore() {
        var rng = SeededRandom(seed: 31)
        var missing = 0, present = 0
        for trial in 0..<2_000 {
            var results = IndicatorResults()
            for i in Indicator.allCases where !rng.chance(0.2) {
                let weight = rng.chance(0.2) ? 0 : Double(rng.next() % 4)
                let z: Double? = rng.chance(0.25) ? nil : 6 * rng.unit() - 3
                results[i] = IndicatorResult(indicator: i, value: 10 * rng.unit(), adjusted: z == nil ? nil : rng.unit(), z: z,
                                             contribution: nil, weight: weight, note: rng.chance(0.5) ? "note \(trial)" : nil)
            }
            for kind in ScoreKind.allCases {
                let listed = Indicator.indicators(for: kind).filter { _ in !rng.chance(0.1) }
                let weightOf = Indicator.allCases.map { results[$0]?.weight ?? Double(rng.next() % 3) }
                let rules = ComponentSum.Rules(listed: listed, weighted: listed.filter { weightOf[$0.ordinal] > 0 }, weightOf: weightOf,
                                               minCoverage: [0, 0.5, 0.7, 1][Int(rng.next() % 4)], zClamp: [3, 2.5][Int(rng.next() % 2)])
                let plain = ComponentSum.plain(kind, results, rules), lean = ComponentSum.lean(kind, results, rules)
                #expect(lean.value?.bitPattern == plain.value?.bitPattern && lean.coverage.bitPattern == plain.coverage.bitPattern,
                        "trial \(trial) \(kind)")
                if plain.value == nil {
                    missing += 1
                    #expect(lean.indicators == plain.indicators, "trial \(trial) \(kind)")
                } else {
                    present += 1
                }
            }
        }
        #expect(missing > 100 && present > 100, "both branches exercised: \(missing) missing, \(present) present")
    }

    /// `DrawScores.flat` against `plain` on random models (units with no terms or many, terms
    /// with and without noise, fixed-scale terms, a zero scale, every slot left out in turn, one
    /// component empty): every draw's every score the same to the last bit, and the factors too.
    @Test func flatDrawScoresAreThePlainScores() {
        var rng = SeededRandom(seed: 77)
        var compared = 0
        for trial in 0..<300 {
            let slots = 1 + Int(rng.next() % 8)
            let units = Int(rng.next() % 120)
            let terms: [[RankSimulation.Term]] = (0..<units).map { _ in
                (0..<Int(rng.next() % 13)).map { _ in
                    RankSimulation.Term(component: rng.chance(0.5) ? 0 : 1, slot: Int(rng.next() % UInt64(slots)),
                                        adjusted: 40 * rng.unit() - 10, sd: rng.chance(0.2) ? 0 : 5 * rng.unit(),
                                        median: 20 * rng.unit(), scale: rng.chance(0.1) ? 0 : 0.1 + 8 * rng.unit(),
                                        direction: rng.chance(0.5) ? 1 : -1, fixed: rng.chance(0.15))
                }
            }
            let model = DrawScores.Model(terms: terms, weights: (0..<slots).map { _ in rng.chance(0.1) ? 0 : Double(1 + rng.next() % 3) },
                                         clamp: [3, 2.5][Int(rng.next() % 2)], blend: (rng.unit(), 0.1 + rng.unit()),
                                         spread: [0, 0.2, 0.5][Int(rng.next() % 3)], seed: rng.next() % 100_000)
            let flat = DrawScores.Flat(terms)
            var plainScores = [Double](repeating: -1, count: units), flatScores = plainScores
            var plainFactor = [Double](repeating: 1, count: slots), flatFactor = plainFactor
            var weighted = [Double](repeating: 0, count: slots)
            for d in 0..<(slots + 3) {
                DrawScores.plain(model, draw: d, into: &plainScores, factor: &plainFactor)
                DrawScores.flat(model, flat, draw: d, into: &flatScores, factor: &flatFactor, weighted: &weighted)
                #expect(flatScores.map(\.bitPattern) == plainScores.map(\.bitPattern), "trial \(trial) draw \(d)")
                #expect(flatFactor.map(\.bitPattern) == plainFactor.map(\.bitPattern), "trial \(trial) draw \(d)")
                compared += units
            }
        }
        #expect(compared > 100_000, "enough scores compared: \(compared)")
    }

    /// `ScoreSeries.scoreWithHistory` (the scoring year beside the history years, sharing their
    /// estimates) against the plain order (the scoring year, then the history years, each pass
    /// estimating its own) at 1, 2 and 3 threads and trend windows of 2, 3 and 5 years.
    @Test func scoringYearBesideHistoryIsThePlainOrder() throws {
        let (dataset, figures) = try series(seed: 9)
        for trendYears in [2, 3, 5] {
            var settings = try Fixtures.settings()
            for i in Indicator.allCases { settings.weights[i] = 1 }
            settings.minCoverage = 0.9
            settings.trendYears = trendYears
            let input = ScoringInput(workforce: dataset, registry: try Fixtures.registry(), settings: settings)
            let years = Array(2019...2022)
            let year = try Scorer.scoreUnranked(input, figures: figures)
            let earlier = try ScoreSeries.score(input, figures: figures, years: years, inspections: nil, threads: 1)
            for threads in [1, 2, 3] {
                let both = try ScoreSeries.scoreWithHistory(input, figures: figures, years: years, inspections: nil, threads: threads)
                let b = both.year
                #expect(b.year == year.year && b.units == year.units && b.references == year.references
                        && b.warnings == year.warnings, "\(threads) threads, trend \(trendYears)")
                #expect(b.shrinkage == year.shrinkage && b.englandValues == year.englandValues && b.regionValues == year.regionValues
                        && b.englandPriors.map(\.0) == year.englandPriors.map(\.0) && b.englandPriors.map(\.1) == year.englandPriors.map(\.1),
                        "\(threads) threads, trend \(trendYears)")
                #expect(both.earlier.map(\.year) == earlier.map(\.year))
                #expect(both.earlier.map { $0.units.map(HistoryYearTests.fields) } == earlier.map { $0.units.map(HistoryYearTests.fields) },
                        "\(threads) threads, trend \(trendYears)")
            }
            #expect(year.units.contains { !$0.isRanked }, "the series exercises exclusion")
            #expect(year.shrinkage.contains { $0.method == "empirical_bayes" }, "estimated shrinkage to compare")
        }
    }

    /// History rows made in runs of units at once (`ScoreSeries.history`) are those made unit
    /// after unit: every row's year, unit, scores, comparability, status and note, in order.
    @Test func historyRowsMadeInRunsAreThoseMadeInTurn() throws {
        let (dataset, figures) = try series(seed: 9)
        let registry = try Fixtures.registry()
        let input = ScoringInput(workforce: dataset, registry: registry, settings: try Fixtures.settings())
        let both = try ScoreSeries.scoreWithHistory(input, figures: figures, years: Array(2019...2022), inspections: nil, threads: 1)
        let tables = both.earlier + [YearScores(both.year)]
        func text(_ rows: [HistoryRow]) -> [String] {
            rows.map { r in
                "\(r.year) \(HistoryYearTests.fields(r.unit)) \(r.source.map(HistoryYearTests.fields) ?? []) \(r.comparability) \(r.rankedCount) \(r.status) \(r.note ?? "-")"
            }
        }
        let rows = ScoreSeries.history(tables, figures: figures, registry: registry)
        let plain = text(rows)
        // Unit by unit in code order, each unit's years oldest first.
        let units = both.year.units.map(\.unit).sorted(), years = tables.map(\.year).sorted()
        #expect(rows.count == units.count * years.count)
        #expect(rows.map(\.unit.unit) == units.flatMap { u in years.map { _ in u } })
        #expect(rows.map(\.year) == units.flatMap { _ in years })
        for threads in [2, 3, 5] {
            for run in [1, 2, 5] {
                let got = text(ScoreSeries.history(tables, figures: figures, registry: registry, threads: threads, minimumRun: run))
                #expect(got == plain, "\(threads) threads, runs of at least \(run)")
            }
        }
    }

    /// `NilAsNaN` holds a `Double?` in 8 bytes: what is stored reads back bit for bit, and
    /// equality is `Double?`'s, for every kind of double (NaNs with any payload, infinities,
    /// signed zeros, subnormals, random bit patterns) and nil; only the reserved pattern reads nil.
    @Test func nilAsNaNIsTheOptionalItHolds() {
        var rng = SeededRandom(seed: 25)
        let special: [Double?] = [nil, 0, -0.0, 1, -1, .infinity, -.infinity, .nan, -.nan, .signalingNaN,
                                  .leastNonzeroMagnitude, .greatestFiniteMagnitude, Double(bitPattern: 0x7FF8_0000_0000_0001),
                                  Double(bitPattern: NilAsNaN.nilPattern ^ 1)]
        let drawn: [Double?] = (0..<2000).map { _ in rng.chance(0.1) ? nil : Double(bitPattern: rng.next()) }
        let all = special + drawn
        for (i, x) in all.enumerated() {
            var held = NilAsNaN(wrappedValue: x)
            #expect(held.wrappedValue?.bitPattern == x?.bitPattern, "value \(i)")
            let y = all[(i * 7 + 3) % all.count]
            #expect((held == NilAsNaN(wrappedValue: y)) == (x == y), "values \(i) and \((i * 7 + 3) % all.count)")
            held.wrappedValue = y
            #expect(held.wrappedValue?.bitPattern == y?.bitPattern, "set \(i)")
        }
        #expect(NilAsNaN(wrappedValue: Double(bitPattern: NilAsNaN.nilPattern)).wrappedValue == nil, "the one pattern that reads nil")
        // The structs it packs keep every field apart.
        var r = IndicatorResult(indicator: .agencyRate, value: 1.5, adjusted: nil, z: -0.0, contribution: .infinity, weight: 2, note: nil)
        r.sd = 3
        #expect(r.value == 1.5 && r.adjusted == nil && r.z?.sign == .minus && r.contribution == .infinity && r.sd == 3
                && r.denominator == nil && r.reliability == nil)
        #expect(MemoryLayout<IndicatorResult>.stride < 208 && MemoryLayout<WorkforceFigures>.stride < 216,
                "smaller than with Double? fields (208 and 216 bytes)")
    }
}
