import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskScoring

/// History years are scored by a lean pass (`Scorer.scoreHistoryYear`); each year must still be
/// what scoring that year on its own gives.
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
}
