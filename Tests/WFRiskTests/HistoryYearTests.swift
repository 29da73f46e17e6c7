import Foundation
import Testing
@testable import WFRisk
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

    /// Every year of a synthetic series, some units excluded (a suppressed absence rate under a
    /// high minimum coverage): the lean year equals the full scoring of that year, unit by unit
    /// and in order, at any thread count.
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

/// The real DfE files with every input: each earlier year's rows of `history.csv` (default
/// history) are that year's `scores.csv` when the run scores it on its own (`--year Y --years Y`).
@Suite(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
struct HistoryYearsOnRealDataTests {
    static func table(_ path: String) throws -> [[String: String]] {
        let rows = try CSVReader.readAll(path: path)
        let header = rows[0].fields.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.fields)) }
    }

    @Test func historyRowsAreWhatScoringThatYearAloneGives() throws {
        let pipeline = try Fixtures.strictRealPipeline()
        let out = Fixtures.temporaryDirectory("history-all")
        let all = try Fixtures.run(["run", "--pipeline", pipeline, "--out", out, "--quiet"])
        #expect(all.status == 0, "\(all.stderr)")
        let history = try Self.table(out + "/latest/history.csv")
        var compared = 0, excluded = 0
        for year in 2017...2022 {
            let dir = Fixtures.temporaryDirectory("history-\(year)")
            let one = try Fixtures.run(["run", "--pipeline", pipeline, "--year", String(year), "--years", String(year), "--out", dir, "--quiet"])
            #expect(one.status == 0, "\(one.stderr)")
            let scores = try Self.table(dir + "/latest/scores.csv")
            let ranked = scores.filter { $0["status"] == "ranked" }.count
            let rows = history.filter { $0["time_period"] == String(year) && $0["comparability"] == "same" }
            #expect(!rows.isEmpty)
            let byCode = Dictionary(uniqueKeysWithValues: scores.map { ($0["old_la_code"]!, $0) })
            for h in rows {
                let s = try #require(byCode[h["source_old_la_code"]!], "\(year) \(h["source_old_la_code"]!) not scored alone")
                #expect(h["ranked_units"] == String(ranked), "\(year)")
                for (hc, sc) in [("overall_score", "overall_score"), ("overall_rank", "overall_rank"),
                                 ("instability_score", "instability_score"), ("instability_rank", "instability_rank"),
                                 ("caseload_risk_score", "caseload_risk_score"), ("caseload_risk_rank", "caseload_risk_rank"),
                                 ("band", "band"), ("quartile", "quartile"), ("coverage", "coverage"), ("status", "status"),
                                 ("source_la_name", "la_name")] {
                    #expect(h[hc] == s[sc], "\(year) \(h["old_la_code"]!) \(hc): history \(h[hc] ?? "nil") alone \(s[sc] ?? "nil")")
                }
                if h["status"] == "excluded" {
                    excluded += 1
                    #expect(h["note"] == s["exclusion_reason"], "\(year) \(h["old_la_code"]!)")
                }
                compared += 1
            }
        }
        #expect(compared > 6 * 140 && excluded > 0, "compared \(compared) rows, \(excluded) excluded")
    }
}
