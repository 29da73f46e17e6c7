import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskScoring

/// Reads a CSV written by wfrisk into rows keyed by column name.
private func table(_ path: String) throws -> [[String: String]] {
    let rows = try CSVReader.readAll(path: path)
    let header = rows[0].fields
    return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.fields)) }
}

/// The real DfE files run through `wfrisk run` once; each test reads the outputs.
private enum RealRun {
    static let outputs: Result<String, Error> = Result {
        let out = Fixtures.temporaryDirectory("analyst-real")
        let r = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce, "--demand", Fixtures.realB1, Fixtures.realC1,
                                  "--neighbours", Fixtures.realNeighbours, "--out", out, "--quiet"])
        guard r.status == 0 else { throw WFRiskError.usage("run failed: \(r.stderr)") }
        return out + "/latest"
    }
}

@Suite(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
struct AnalystOutputsOnRealDataTests {
    @Test func historyHasEveryYearForEveryUnit() throws {
        let dir = try RealRun.outputs.get()
        let history = try table(dir + "/history.csv")
        let scores = try table(dir + "/scores.csv")
        #expect(Set(history.map { $0["time_period"]! }) == Set((2017...2023).map(String.init)))
        for code in scores.map({ $0["old_la_code"]! }) {
            let years = history.filter { $0["old_la_code"] == code }.map { $0["time_period"]! }
            #expect(years == (2017...2023).map(String.init), "\(code)")
        }
        // Units kept stable: 940 / 941 takes Northamptonshire's scores before 2021, Cumberland Cumbria's (flagged).
        let northants = history.first { $0["old_la_code"] == "940 / 941" && $0["time_period"] == "2019" }!
        #expect(northants["source_la_name"] == "Northamptonshire" && northants["comparability"] == "equivalent" && northants["overall_rank"]?.isEmpty == false)
        let cumberland = history.first { $0["old_la_code"] == "942" && $0["time_period"] == "2022" }!
        #expect(cumberland["comparability"] == "approximate")
        // The 2023 rows are the scores.csv figures.
        for s in scores {
            let h = history.first { $0["old_la_code"] == s["old_la_code"] && $0["time_period"] == "2023" }!
            #expect(h["overall_score"] == s["overall_score"] && h["overall_rank"] == s["overall_rank"] && h["band"] == s["band"])
        }
    }

    @Test func indicatorsHaveOneRowPerUnitAndIndicator() throws {
        let dir = try RealRun.outputs.get()
        let rows = try table(dir + "/indicators.csv")
        let scores = try table(dir + "/scores.csv")
        // A workforce + demand run: 13 indicators (no inspection texts).
        #expect(rows.count == scores.count * 13)
        #expect(Set(rows.map { $0["old_la_code"]! + "|" + $0["indicator"]! }).count == rows.count)
        for r in rows where !(r["z"] ?? "").isEmpty {
            #expect(!(r["rank"] ?? "").isEmpty && !(r["quartile"] ?? "").isEmpty && !(r["band"] ?? "").isEmpty)
        }
        let turnover = rows.first { $0["old_la_code"] == "806" && $0["indicator"] == "turnover_rate_fte" }!
        #expect(turnover["england"] == "15.90")
        #expect(turnover["neighbour_count"] == "10" && !(turnover["neighbour_median"] ?? "").isEmpty)
        #expect(turnover["polarity"] == "higher_is_risk")
        #expect(rows.first { $0["indicator"] == "inpost_fte_change_pct" }?["polarity"] == "lower_is_risk")
    }

    @Test func newColumnsAreFilledForEveryRankedUnitAndIntervalsHoldTheRank() throws {
        let dir = try RealRun.outputs.get()
        let scores = try table(dir + "/scores.csv")
        let ranked = scores.filter { $0["status"] == "ranked" }
        #expect(ranked.count >= 150)
        for u in ranked {
            for column in ["quartile", "overall_rank_low", "overall_rank_high", "p_high_band", "summary",
                           "instability_band", "caseload_risk_band"] {
                #expect(!(u[column] ?? "").isEmpty, "\(u["la_name"]!): \(column) empty")
            }
            // No drivers only when the summary says no indicator reaches the threshold.
            if (u["main_drivers"] ?? "").isEmpty { #expect(u["summary"]!.contains("No single indicator"), "\(u["la_name"]!)") }
            // A change, or the reason there is none.
            #expect(!(u["overall_rank_change"] ?? "").isEmpty || !(u["change_note"] ?? "").isEmpty, "\(u["la_name"]!)")
            let rank = Int(u["overall_rank"]!)!, low = Int(u["overall_rank_low"]!)!, high = Int(u["overall_rank_high"]!)!
            #expect(low <= rank && rank <= high, "\(u["la_name"]!): \(low) \(rank) \(high)")
            if let p = Int(u["previous_overall_rank"] ?? "") {
                #expect(Int(u["overall_rank_change"]!)! == p - rank)
            }
        }
        // Cumberland: no comparable 2022, with the reason.
        let cumberland = scores.first { $0["old_la_code"] == "942" }!
        #expect(cumberland["previous_overall_rank"] == "" && cumberland["change_note"]?.contains("Cumbria") == true)
    }

    @Test func cityOfLondonIsLessCertainThanLargeAuthoritiesRankedNearIt() throws {
        let dir = try RealRun.outputs.get()
        let scores = try table(dir + "/scores.csv")
        let dataset = try TidyDataset.merge([try Fixtures.reader().read(path: Fixtures.realWorkforce, wanted: Measure.workforce, kind: "workforce")])
        let inpost = Dictionary(uniqueKeysWithValues: dataset.localAuthorities(in: 2023).map { ($0.key.key, WorkforceFigures(record: $0.value).inpost ?? 0) })
        let city = scores.first { $0["old_la_code"] == "201" }!
        let cityRank = Int(city["overall_rank"]!)!
        let cityWidth = Int(city["overall_rank_high"]!)! - Int(city["overall_rank_low"]!)!
        let large = scores.filter { u in
            guard let r = Int(u["overall_rank"] ?? "") else { return false }
            return abs(r - cityRank) <= 10 && (inpost[u["old_la_code"]!] ?? 0) >= 200
        }
        #expect(large.count >= 2)
        for u in large {
            let width = Int(u["overall_rank_high"]!)! - Int(u["overall_rank_low"]!)!
            #expect(cityWidth > width, "City of London width \(cityWidth), \(u["la_name"]!) \(width)")
        }
    }

    /// Every unit's sentence: present, no "nan", and saying what its numbers say.
    @Test func summariesAgreeWithTheNumbersForEveryUnit() throws {
        let dir = try RealRun.outputs.get()
        let scores = try table(dir + "/scores.csv")
        let rankedCount = scores.filter { $0["status"] == "ranked" }.count
        let phrase: [String: [String]] = ["high": ["is well above"], "elevated": ["is above"], "moderate": ["is similar to"], "low": ["is below", "is well below"]]
        for u in scores {
            let s = u["summary"]!
            #expect(!s.isEmpty)
            for bad in ["nan", "inf", "{", "}", "  "] { #expect(!s.lowercased().contains(bad), "\(u["la_name"]!): \(s)") }
            #expect(s.hasPrefix(u["la_name"]!))
            guard u["status"] == "ranked" else { #expect(s.contains("no overall rank")); continue }
            #expect(phrase[u["band"]!]!.contains { s.contains($0 + " the median") }, "\(u["la_name"]!) band \(u["band"]!): \(s)")
            #expect(s.contains("score \(u["overall_score"]!), rank \(u["overall_rank"]!) of \(rankedCount)"))
            #expect(s.contains("90% interval \(u["overall_rank_low"]!) to \(u["overall_rank_high"]!)"))
            if let p = u["previous_overall_rank"], !p.isEmpty {
                #expect(s.contains("from \(p) in 2022") || s.contains("as in 2022"))
                let change = Int(u["overall_rank_change"]!)!
                #expect(change > 0 ? s.contains("up from") : change < 0 ? s.contains("down from") : s.contains("as in"))
            }
            let drivers = u["main_drivers"]!
            #expect(drivers.isEmpty ? s.contains("No single indicator") : s.contains(drivers), "\(u["la_name"]!): \(s)")
            // Drivers that raise the score sit in a sentence saying so, and those that lower it likewise.
            let above = ["high", "elevated"].contains(u["band"]!)
            if above { #expect(s.contains("Most of it comes from")) }
            if u["band"] == "low" { #expect(s.contains("held down most by")) }
        }
    }
}

@Suite struct RankSimulationTests {
    func scoredTable(_ rows: [SyntheticRow]) throws -> (ScoreTable, ScoringSettings) {
        let settings = try Fixtures.settings()
        return (try SyntheticData.score(Fixtures.workforceCSV(rows), settings: settings), settings)
    }

    @Test func sameIntervalsAtAnyThreadCount() throws {
        let (table, settings) = try scoredTable(SyntheticData.rows(seed: 31))
        var one = table, four = table
        RankSimulation.apply(&one, settings: settings, threads: 1)
        RankSimulation.apply(&four, settings: settings, threads: 4)
        #expect(one.units.map(\.uncertainty) == four.units.map(\.uncertainty))
        #expect(one.units.allSatisfy { !$0.isRanked || $0.uncertainty != nil })
        var reseeded = table
        var other = settings
        other.uncertainty.seed += 1
        RankSimulation.apply(&reseeded, settings: other, threads: 1)
        #expect(reseeded.units.map(\.uncertainty) != one.units.map(\.uncertainty))
        var none = table
        other.uncertainty.draws = 0
        RankSimulation.apply(&none, settings: other, threads: 2)
        #expect(none.units.allSatisfy { $0.uncertainty == nil })
    }

    /// Two units with the same rates, one with a tenth of the staff: the small one's rank interval is wider.
    @Test(arguments: [41, 42, 43] as [UInt64])
    func smallUnitsAreLessCertainThanLargeOnesWithTheSameRates(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        // Widen the field: more units, so ranks have room to move.
        var rows = try SyntheticData.widened(SyntheticData.rows(seed: seed), rng: &rng, inpost: (80, 200), absence: false)
        // Darlington: a large unit; Hartlepool: the same rates at a tenth of the size.
        for i in rows.indices where rows[i].code == "841" || rows[i].code == "805" {
            let size = rows[i].code == "841" ? 400.0 : 40.0
            rows[i].inpost = size; rows[i].leavers = 0.2 * size; rows[i].starters = 0.15 * size; rows[i].agency = 0.1 * size
            rows[i].vacancies = 0.15 * size; rows[i].holders = 0.65 * size; rows[i].cases = 0.65 * size * 16
        }
        let (scored, settings) = try scoredTable(rows)
        var table = scored
        RankSimulation.apply(&table, settings: settings, threads: 2)
        let large = table.units.first { $0.oldCode == "841" }!.uncertainty!
        let small = table.units.first { $0.oldCode == "805" }!.uncertainty!
        #expect(small.rankHigh - small.rankLow > large.rankHigh - large.rankLow, "small \(small), large \(large)")
    }
}
