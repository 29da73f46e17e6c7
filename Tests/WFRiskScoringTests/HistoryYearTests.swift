import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
import WFRiskInspections
@testable import WFRiskScoring

/// History years are scored in columns (`Scorer.scoreHistoryYear`, `ScoringContext.historyYear`);
/// each year must still be what scoring that year on its own gives, and what the plain history
/// pass (`Scorer.scoreHistoryYearPlain`) gives, bit for bit.
@Suite struct HistoryYearTests {
    /// The fields `history.csv` and the change columns read, as printed.
    static func fields(_ y: YearScore) -> [String] {
        [y.unit.key, y.oldCode, y.newCode, y.name, y.regionCode, y.overall.map { Decimals.format($0, 6) } ?? "-",
         y.overallRank.map(String.init) ?? "-", y.instability.map { Decimals.format($0, 6) } ?? "-",
         y.instabilityRank.map(String.init) ?? "-", y.caseloadRisk.map { Decimals.format($0, 6) } ?? "-",
         y.caseloadRiskRank.map(String.init) ?? "-", y.band ?? "-", y.quartile.map(String.init) ?? "-",
         Decimals.format(y.coverage, 6), y.exclusionReason ?? "-"]
    }

    /// `settings.scoring.history` / `--years`: `all`, `last N` or years, written back as read.
    @Test func historyWindowReadsItsThreeForms() {
        #expect(HistoryWindow("all") == .all)
        #expect(HistoryWindow("last 10") == .last(10))
        #expect(HistoryWindow("2019-2023") == .years(2019...2023))
        #expect(HistoryWindow("2023") == .years(2023...2023))
        for bad in ["last 0", "last", "10", "1999-2023", "2023-2019", "some"] { #expect(HistoryWindow(bad) == nil, "\(bad)") }
        for w in [HistoryWindow.all, .last(10), .years(2019...2023)] { #expect(HistoryWindow(w.text) == w) }
        #expect((2014...2023).allSatisfy { HistoryWindow.last(10).contains($0, scoringYear: 2023) })
        #expect(!HistoryWindow.last(10).contains(2013, scoringYear: 2023))
    }

    /// Every year of a synthetic series, every indicator weighted, some units excluded (a
    /// suppressed absence rate under a high minimum coverage): the lean year equals the full
    /// scoring of that year, unit by unit and in order, at any thread count.
    @Test(arguments: [3, 17] as [UInt64])
    func leanHistoryYearsEqualFullScoringOfThatYear(seed: UInt64) throws {
        var rows = SyntheticData.rows(seed: seed, years: 2018...2023)
        var rng = SeededRandom(seed: seed &+ 1)
        for i in rows.indices where rng.unit() < 0.25 { rows[i].absence = "c" }
        let path = Fixtures.temporaryDirectory() + "/wf.csv"
        try Fixtures.write(Fixtures.workforceCSV(rows), to: path)
        let dataset = try TidyDataset.merge([try Fixtures.reader().read(path: path, wanted: Measure.workforce, kind: "workforce")])
        var settings = try Fixtures.settings()
        settings.minCoverage = 0.95
        // Every indicator weighted, so each kind of definition (ratio, change, difference, trend) counts.
        for i in Indicator.allCases { settings.weights[i] = 1 }
        let input = ScoringInput(workforce: dataset, registry: try Fixtures.registry(), settings: settings)
        let figures = FigureTable(dataset)
        let years = Array(2018...2022)
        let one = try ScoreSeries.score(input, figures: figures, years: years, inspections: nil, threads: 1)
        let three = try ScoreSeries.score(input, figures: figures, years: years, inspections: nil, threads: 3)
        var excluded = 0
        for (k, year) in years.enumerated() {
            var single = settings
            single.year = year
            let full = try Scorer.score(ScoringInput(workforce: dataset, registry: try Fixtures.registry(), settings: single))
            #expect(one[k].year == year && one[k].rankedCount == full.rankedCount)
            #expect(one[k].units.map(Self.fields) == full.units.map { Self.fields(YearScore($0)) }, "\(year)")
            #expect(three[k].units.map(Self.fields) == one[k].units.map(Self.fields), "\(year) at 3 threads")
            excluded += full.units.filter { !$0.isRanked }.count
        }
        #expect(excluded > 0, "the series exercises exclusion reasons")
    }

    /// Every field of a `YearScore`, numbers as their bits: what "the same" means below.
    static func exact(_ y: YearScore) -> [String] {
        func bits(_ x: Double?) -> String { x.map { String($0.bitPattern) } ?? "-" }
        return [y.unit.key, y.oldCode, y.newCode, y.name, y.regionCode, bits(y.overall), y.overallRank.map(String.init) ?? "-",
                bits(y.instability), y.instabilityRank.map(String.init) ?? "-", bits(y.caseloadRisk),
                y.caseloadRiskRank.map(String.init) ?? "-", y.band ?? "-", y.quartile.map(String.init) ?? "-",
                bits(y.coverage), y.exclusionReason ?? "-"]
    }

    /// `input`'s every year scored in columns (`Scorer.scoreHistoryYear`) and by the plain pass
    /// (`scoreHistoryYearPlain`): the same units in the same order, every field to the last bit,
    /// and the same count ranked. Returns how many units were left unranked, over the years.
    static func expectColumnsArePlain(_ input: ScoringInput, figures: FigureTable, years: [Int],
                                      inspections: [Int: [ReportingUnit: InspectionEvidence]]? = nil, _ label: String) throws -> Int {
        var unranked = 0
        for year in years {
            var yearInput = input
            yearInput.settings.year = year
            if let inspections { yearInput.inspections = inspections[year] ?? [:] }
            let columns = try Scorer.scoreHistoryYear(yearInput, figures: figures)
            let plain = try Scorer.scoreHistoryYearPlain(yearInput, figures: figures)
            #expect(columns.year == plain.year && columns.rankedCount == plain.rankedCount, "\(label) \(year)")
            #expect(columns.units.map(exact) == plain.units.map(exact), "\(label) \(year)")
            unranked += plain.units.count { !$0.isRanked }
        }
        return unranked
    }

    /// History years in columns against the plain pass on seeded synthetic series: suppressed
    /// rates (some units unranked, their reasons from the plain assembly), every indicator
    /// weighted, the defaults or some at random and others without weight, other trend windows,
    /// minimum coverages and blends, and inspection evidence for some units in some years (the
    /// fixed-scale standardisation).
    @Test(arguments: [11, 12, 13] as [UInt64])
    func historyYearsInColumnsAreThePlainPass(seed: UInt64) throws {
        var rows = SyntheticData.rows(seed: seed, years: 2016...2023)
        var rng = SeededRandom(seed: seed &+ 5)
        for i in rows.indices {
            if rng.unit() < 0.2 { rows[i].absence = "c" }
            if rng.unit() < 0.05 { rows[i].inpost = 0 }
        }
        let path = Fixtures.temporaryDirectory() + "/wf.csv"
        try Fixtures.write(Fixtures.workforceCSV(rows), to: path)
        let dataset = try TidyDataset.merge([try Fixtures.reader().read(path: path, wanted: Measure.workforce, kind: "workforce")])
        let figures = FigureTable(dataset)
        let years = Array(2017...2023)
        var evidence: [Int: [ReportingUnit: InspectionEvidence]] = [:]
        for year in years {
            for unit in figures.unitOrder[year] ?? [] where rng.unit() < 0.4 {
                let instability: Double? = rng.unit() < 0.8 ? 2 * rng.unit() - 1 : nil
                let caseload: Double? = rng.unit() < 0.8 ? 2 * rng.unit() - 1 : nil
                evidence[year, default: [:]][unit] = InspectionEvidence(instabilityConcern: instability, caseloadConcern: caseload,
                                                                        latestDate: nil, judgement: nil, quotes: [])
            }
        }
        var unranked = 0
        for variant in 0..<6 {
            var settings = try Fixtures.settings()
            if variant != 1 { for i in Indicator.allCases { settings.weights[i] = 1 } }
            // Some indicators without weight (skipped by the columns), others weighted at random,
            // the trend and change indicators among the weighted: what the defaults do not cover.
            if variant == 5 {
                for i in Indicator.allCases { settings.weights[i] = rng.unit() < 0.4 ? 0 : 0.1 + rng.unit() }
                for i in [Indicator.instabilityTrend, .caseloadChange] { settings.weights[i] = 0.5 }
                settings.weights[.agencyRate] = 0
            }
            settings.minCoverage = [0.95, 0.3, 0.8, 1, 0.5, 0.9][variant]
            settings.trendYears = [3, 3, 2, 5, 3, 3][variant]
            if variant == 3 { settings.blend = [.instability: 0.7, .caseloadRisk: 0.3] }
            if variant == 4 { settings.blend = [.instability: 0.6] }  // the other weight by default
            let input = ScoringInput(workforce: dataset, registry: try Fixtures.registry(), inspections: variant == 2 ? [:] : nil,
                                     settings: settings)
            let left = try Self.expectColumnsArePlain(input, figures: figures, years: years,
                                                      inspections: variant == 2 ? evidence : nil, "seed \(seed) variant \(variant)")
            // The variant with indicators without weight reaches the exclusion reasons too.
            if variant == 5 { #expect(left > 0, "seed \(seed): the random weights leave no unit unranked") }
            unranked += left
        }
        #expect(unranked > 0, "the series leaves units unranked, so their reasons are compared")

        // An indicator too sparse to standardise: the absence rate published for two units a year.
        var sparse = rows
        var kept: [Int: Int] = [:]
        for i in sparse.indices {
            kept[sparse[i].year, default: 0] += 1
            if kept[sparse[i].year]! > 2 { sparse[i].absence = "c" }
        }
        let sparsePath = Fixtures.temporaryDirectory() + "/sparse.csv"
        try Fixtures.write(Fixtures.workforceCSV(sparse), to: sparsePath)
        let sparseData = try TidyDataset.merge([try Fixtures.reader().read(path: sparsePath, wanted: Measure.workforce, kind: "workforce")])
        var settings = try Fixtures.settings()
        for i in Indicator.allCases { settings.weights[i] = 1 }
        settings.minCoverage = 0.5
        let sparseInput = ScoringInput(workforce: sparseData, registry: try Fixtures.registry(), settings: settings)
        _ = try Self.expectColumnsArePlain(sparseInput, figures: FigureTable(sparseData), years: years, "seed \(seed) sparse absence")
        let plain = try Scorer.scoreHistoryYearPlain(sparseInput, figures: FigureTable(sparseData))
        #expect(plain.units.allSatisfy { $0.coverage < 1 }, "absence is not standardised, so no unit has full coverage")
    }

    /// The same on the real DfE workforce file with the real demand files: boundary changes
    /// (predecessors' figures), suppressed and missing values, every year the file holds; with
    /// demand, also inspection evidence for some units in some years.
    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func historyYearsInColumnsAreThePlainPassOnRealData() throws {
        let reader = try Fixtures.reader()
        let workforce = try TidyDataset.merge([try reader.read(path: Fixtures.realWorkforce, wanted: Measure.workforce, kind: "workforce")])
        let demand = try TidyDataset.merge([Fixtures.realB1, Fixtures.realC1].map { try reader.read(path: $0, wanted: Measure.demand, kind: "demand") })
        let figures = FigureTable(workforce)
        var rng = SeededRandom(seed: 24)
        var evidence: [Int: [ReportingUnit: InspectionEvidence]] = [:]
        for year in figures.years {
            for unit in figures.unitOrder[year] ?? [] where rng.unit() < 0.3 {
                let instability: Double? = rng.unit() < 0.8 ? 2 * rng.unit() - 1 : nil
                evidence[year, default: [:]][unit] = InspectionEvidence(instabilityConcern: instability, caseloadConcern: 2 * rng.unit() - 1,
                                                                        latestDate: nil, judgement: nil, quotes: [])
            }
        }
        for withDemand in [false, true] {
            var settings = try Fixtures.settings()
            settings.minCoverage = withDemand ? 0.9 : 0.3
            let input = ScoringInput(workforce: workforce, demand: withDemand ? demand : nil, registry: try Fixtures.registry(),
                                     inspections: withDemand ? [:] : nil, settings: settings)
            let unranked = try Self.expectColumnsArePlain(input, figures: figures, years: figures.years,
                                                          inspections: withDemand ? evidence : nil, withDemand ? "real, demand, texts" : "real")
            #expect(!withDemand || unranked > 0, "a high minimum coverage leaves real units unranked, so their reasons are compared")
        }
    }
}
