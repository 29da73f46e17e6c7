import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest

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
