import Foundation
import Testing
import WFRiskTestSupport
import WFRiskOfsted
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRisk

@Suite struct BacktestCommandTests {
    @Test func pipelineBacktestSectionIsReadAndChecked() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.write("x", to: dir + "/wf.csv")
        try Fixtures.write("inputs:\n  workforce: [wf.csv]\nbacktest:\n  years: 2018-2020\n  horizon_months: 36\n  draws: 50\n  seed: 9\n", to: dir + "/p.yml")
        let p = try Pipeline.load(path: dir + "/p.yml")
        #expect(p.backtest.years == 2018...2020 && p.backtest.horizonMonths == 36 && p.backtest.draws == 50 && p.backtest.seed == 9)
        try Fixtures.write("inputs:\n  workforce: [wf.csv]\nbacktest:\n  horizon_months: 0\n", to: dir + "/bad.yml")
        #expect { try Pipeline.load(path: dir + "/bad.yml") } throws: { "\($0)".contains("bad.yml:4") && "\($0)".contains("horizon_months") }
        try Fixtures.write("inputs:\n  workforce: [wf.csv]\nbacktest:\n  years: 2019-2017\n", to: dir + "/bad2.yml")
        #expect { try Pipeline.load(path: dir + "/bad2.yml") } throws: { "\($0)".contains("years") }
    }

    @Test func usageErrorsExitTwoAndAMissingFileExitsThree() throws {
        let bad = try Fixtures.run(["backtest", "--years", "2019-2017"])
        #expect(bad.status == 2, "\(bad.stderr)")
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.write("time_period\n", to: dir + "/wf.csv")
        try Fixtures.write("inputs:\n  workforce: [wf.csv]\n", to: dir + "/p.yml")
        let missing = try Fixtures.run(["backtest", "--pipeline", dir + "/p.yml", "--ofsted", dir + "/nope.csv", "--out", dir + "/out"])
        #expect(missing.status == 3 && missing.stderr.contains("nope.csv"), "\(missing.stderr)")
    }

    @Test(.enabled(if: Fixtures.sharedAvailable && FileManager.default.fileExists(atPath: Fixtures.realOfsted),
                   Comment(rawValue: Fixtures.sharedSkipMessage)))
    func aRunShowsTheJudgementInForceAtTheCensusOnly() throws {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce, "--ofsted", Fixtures.realOfsted, "--year", "2019",
                                  "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try CSVReader.readAll(path: out + "/latest/scores.csv").map(\.fields)
        let header = rows[0].map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        let grade = try #require(header.firstIndex(of: "ofsted_judgement_in_force"))
        let date = try #require(header.firstIndex(of: "ofsted_judgement_date"))
        let who = try #require(header.firstIndex(of: "ofsted_judgement_authority"))
        let code = try #require(header.firstIndex(of: "old_la_code"))
        let units = rows.dropFirst()
        #expect(units.allSatisfy { OfstedGrade(text: $0[grade]) != nil }, "every 2019 unit has a judgement in force")
        // Never one published after 30 September 2019 (Kingston's outstanding of December 2019 is not shown).
        #expect(units.allSatisfy { DayStamp(iso: $0[date]).map { $0 <= .census(2019) } ?? false })
        let kr = try #require(units.first { $0[code] == "314 / 318" })
        #expect(kr[grade] == "good" && kr[who].contains("(member)"))
        let bcp = try #require(units.first { $0[code] == "839" })
        #expect(bcp[who].contains("(predecessor)"))
        // Without a judgements file the columns are there and empty.
        let plain = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce, "--year", "2019", "--out", out + "/plain", "--quiet"])
        #expect(plain.status == 0)
        let plainRows = try CSVReader.readAll(path: out + "/plain/latest/scores.csv").map(\.fields)
        #expect(plainRows.dropFirst().allSatisfy { $0[grade].isEmpty && $0[date].isEmpty })
    }

    @Test(.enabled(if: Fixtures.sharedAvailable && FileManager.default.fileExists(atPath: Fixtures.realOfsted),
                   Comment(rawValue: Fixtures.sharedSkipMessage)))
    func theCommandPrintsTheTablesAndWritesItsFiles() throws {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["backtest", "--ofsted", Fixtures.realOfsted, "--years", "2017-2019", "--horizon", "24", "--draws", "5", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        for heading in ["Pooled 2017-2019", "Census 2018", "Overall score against the best single indicator", "by band", "Leave one year out"] {
            #expect(r.stdout.contains(heading), "missing \(heading)")
        }
        for file in ["backtest.csv", "backtest_pairs.csv", "backtest.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file))
        }
        let rows = try CSVReader.readAll(path: out + "/backtest.csv").map(\.fields)
        #expect(rows.contains { $0[0] == "2017-2019" && $0[1] == "overall" && $0[3] == "auc_inadequate" })
    }
}
