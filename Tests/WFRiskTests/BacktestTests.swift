import Foundation
import Testing
@testable import WFRisk
@testable import WFRiskCore
@testable import WFRiskIngest

@Suite struct RankStatisticsTests {
    /// Every (positive, negative) pair compared directly: the definition the rank formula must match.
    func pairwiseAUC(_ x: [Double], _ y: [Bool]) -> Double {
        var wins = 0.0, pairs = 0.0
        for i in x.indices where y[i] {
            for j in x.indices where !y[j] {
                pairs += 1
                wins += x[i] > x[j] ? 1 : (x[i] == x[j] ? 0.5 : 0)
            }
        }
        return wins / pairs
    }

    @Test func aucOfHandComputedCases() throws {
        // Positives 2 and 4 against negatives 1 and 3: 3 of 4 pairs ordered.
        #expect(try #require(RankStatistics.auc([1, 2, 3, 4], [false, true, false, true])) == 0.75)
        // A tie between a positive and a negative counts one half: (0.5 + 1 + 1 + 1) / 4.
        #expect(try #require(RankStatistics.auc([1, 2, 2, 3], [false, true, false, true])) == 0.875)
        #expect(try #require(RankStatistics.auc([5, 1], [true, false])) == 1)
        #expect(try #require(RankStatistics.auc([5, 1], [false, true])) == 0)
        #expect(RankStatistics.auc([1, 2, 3], [true, true, true]) == nil)
        #expect(RankStatistics.auc([], []) == nil)
    }

    @Test func averageRanksShareTies() {
        #expect(RankStatistics.averageRanks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
    }

    @Test func spearmanOfHandComputedCase() throws {
        // Ranks of y are 1, 2, 3.5, 5, 3.5: covariance 8 over sqrt(10 × 9.5).
        let rho = try #require(RankStatistics.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]))
        #expect(abs(rho - 8 / (95.0).squareRoot()) < 1e-12)
        #expect(RankStatistics.spearman([1, 2, 3], [4, 4, 4]) == nil)
        #expect(try #require(RankStatistics.spearman([1, 2, 3], [30, 20, 10])) == -1)
    }

    @Test func quantileInterpolatesLikeRType7() throws {
        #expect(try #require(RankStatistics.quantile(sorted: [1, 2, 3, 4], 0.25)) == 1.75)
        #expect(try #require(RankStatistics.quantile(sorted: [1, 2, 3, 4], 1)) == 4)
        #expect(try #require(RankStatistics.quantile(sorted: [7], 0.5)) == 7)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func aucProperties(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let n = 5 + Int(rng.next() % 40)
        // Coarse values so that ties occur.
        let x = (0..<n).map { _ in (rng.unit() * 8).rounded() - 3 }
        var y = (0..<n).map { _ in rng.chance(0.3) }
        y[0] = true; y[1] = false
        let a = try #require(RankStatistics.auc(x, y))
        #expect(abs(a - pairwiseAUC(x, y)) < 1e-12)
        // Reversing the score reverses the ordering: AUC(−x) = 1 − AUC(x).
        #expect(abs(try #require(RankStatistics.auc(x.map { -$0 }, y)) - (1 - a)) < 1e-12)
        // Only the order matters: any strictly increasing transform gives the same AUC and Spearman.
        #expect(abs(try #require(RankStatistics.auc(x.map { exp($0) * 3 + 1 }, y)) - a) < 1e-12)
        let g = (0..<n).map { _ in Double(1 + rng.next() % 4) }
        if let r = RankStatistics.spearman(x, g) {
            #expect(abs(try #require(RankStatistics.spearman(x.map { $0 * $0 * $0 }, g)) - r) < 1e-12)
            #expect(abs(try #require(RankStatistics.spearman(x.map { -$0 }, g)) + r) < 1e-12)
        }
    }
}

@Suite struct ClusterBootstrapTests {
    @Test func drawsResampleWholeClustersAndRepeatForASeed() {
        let clusters = ["a", "a", "b", "c", "c", "c"]
        let boot = ClusterBootstrap(clusters: clusters, draws: 200, seed: 7)
        #expect(boot.draws.count == 200)
        for draw in boot.draws {
            // Each draw holds three clusters, each with all its observations.
            let counts = Dictionary(grouping: draw, by: { clusters[$0] }).mapValues(\.count)
            #expect(counts["a", default: 0] % 2 == 0 && counts["c", default: 0] % 3 == 0)
            let picks = counts["a", default: 0] / 2 + counts["b", default: 0] + counts["c", default: 0] / 3
            #expect(picks == 3)
        }
        #expect(ClusterBootstrap(clusters: clusters, draws: 200, seed: 7).draws == boot.draws)
        #expect(ClusterBootstrap(clusters: clusters, draws: 200, seed: 8).draws != boot.draws)
    }

    @Test func intervalOfHandComputedCase() throws {
        // Two clusters, values 0 and 1: the mean of a draw is 0, 0.5 or 1 with chances 1/4, 1/2, 1/4.
        let values = [0.0, 1.0]
        let boot = ClusterBootstrap(clusters: ["x", "y"], draws: 4000, seed: 1)
        let means = boot.draws.map { d in d.map { values[$0] }.reduce(0, +) / Double(d.count) }
        let half = Double(means.filter { $0 == 0.5 }.count) / 4000
        #expect(abs(half - 0.5) < 0.03)
        let ci = try #require(boot.interval(level: 0.95) { d in d.map { values[$0] }.reduce(0, +) / Double(d.count) })
        #expect(ci.low == 0 && ci.high == 1)
        let narrow = try #require(boot.interval(level: 0.4) { d in d.map { values[$0] }.reduce(0, +) / Double(d.count) })
        #expect(narrow.low == 0.5 && narrow.high == 0.5)
        // Undefined in most draws: no interval rather than one from the few defined draws.
        #expect(boot.interval { d in Set(d).count == 2 && d.count == 2 ? nil : 1 } != nil)
        #expect(boot.interval { _ in nil } == nil)
    }
}

@Suite struct OfstedHistoryTests {
    func judgement(_ code: String, _ date: String, _ grade: OfstedGrade, line: Int = 2) -> OfstedJudgement {
        OfstedJudgement(oldCode: code, name: "LA \(code)", framework: "ilacs", published: DayStamp(iso: date)!, publishedText: date,
                        grade: grade, line: line)
    }

    @Test func datesReadWithMonthPrecisionAsTheMonthsLastDay() throws {
        #expect(DayStamp(iso: "2018-09") == DayStamp.census(2018))
        #expect(DayStamp(iso: "2020-02")!.day == 29)
        #expect(DayStamp(iso: "2018-13-01") == nil && DayStamp(iso: "2018-02-30") == nil && DayStamp(iso: "soon") == nil)
        #expect(DayStamp.census(2018).adding(months: 24) == DayStamp(iso: "2020-09-30"))
        #expect(DayStamp.census(2018).adding(months: 5) == DayStamp(iso: "2019-02-28"))
        #expect(DayStamp(iso: "2017-10-01")!.months(to: DayStamp.census(2018)) == 11)
        #expect(DayStamp(iso: "2017-09-30")!.months(to: DayStamp.census(2018)) == 12)
    }

    @Test func judgementInForceNeverComesFromAfterTheCensus() throws {
        let registry = try Fixtures.registry()
        let history = OfstedHistory(judgements: [
            judgement("301", "2016-05-01", .good),
            judgement("301", "2018-09-30", .requiresImprovement),
            judgement("301", "2018-10-01", .inadequate),
            judgement("302", "2018-09", .inadequate),     // month precision: by 30 September, in force
            judgement("303", "2018-10", .inadequate),     // month precision: possibly after: not in force
        ])
        #expect(history.inForce(ReportingUnit("301"), year: 2018, registry: registry)?.judgement.grade == .requiresImprovement)
        #expect(history.inForce(ReportingUnit("301"), year: 2017, registry: registry)?.judgement.grade == .good)
        #expect(history.inForce(ReportingUnit("301"), year: 2015, registry: registry) == nil)
        #expect(history.inForce(ReportingUnit("302"), year: 2018, registry: registry)?.judgement.grade == .inadequate)
        #expect(history.inForce(ReportingUnit("303"), year: 2018, registry: registry) == nil)
        let known = history.known(at: .census(2018))
        #expect(known.all.allSatisfy { $0.published <= .census(2018) })
        #expect(known.all.count == 3)
    }

    @Test func nextJudgementIsTheFirstInTheHorizonAfterTheCensus() throws {
        let registry = try Fixtures.registry()
        let history = OfstedHistory(judgements: [
            judgement("301", "2018-09-30", .inadequate),  // on the census day: in force, not next
            judgement("301", "2019-06-01", .good),
            judgement("301", "2020-03-01", .inadequate),
            judgement("302", "2020-09-30", .requiresImprovement), // last day of a 24-month horizon
            judgement("303", "2020-10-01", .inadequate),  // one day past it
        ])
        let next = try #require(history.next(ReportingUnit("301"), year: 2018, horizonMonths: 24, registry: registry))
        #expect(next.judgement.grade == .good && next.relation == .own)
        #expect(history.next(ReportingUnit("302"), year: 2018, horizonMonths: 24, registry: registry)?.judgement.grade == .requiresImprovement)
        // No inspection in the horizon: no pair.
        #expect(history.next(ReportingUnit("303"), year: 2018, horizonMonths: 24, registry: registry) == nil)
        #expect(history.next(ReportingUnit("303"), year: 2018, horizonMonths: 25, registry: registry)?.judgement.grade == .inadequate)
        #expect(history.next(ReportingUnit("304"), year: 2018, horizonMonths: 24, registry: registry) == nil)
    }

    @Test func successorsAcrossBoundaryChangesAndJointReturns() throws {
        let registry = try Fixtures.registry()
        let history = OfstedHistory(judgements: [
            judgement("835", "2016-05-23", .requiresImprovement),   // Dorset county, abolished 2019
            judgement("838", "2020-01-10", .good),                  // new Dorset
            judgement("839", "2019-12-01", .inadequate),            // BCP
            judgement("928", "2019-07-29", .inadequate),            // Northamptonshire
            judgement("940", "2021-08-01", .requiresImprovement),   // North Northamptonshire
            judgement("314", "2019-12-19", .outstanding),
            judgement("318", "2019-03-01", .inadequate),
        ])
        // Dorset county's census 2018: its area went to Dorset and BCP; the first judgement of either.
        let dorset = try #require(history.next(ReportingUnit("835"), year: 2018, horizonMonths: 24, registry: registry))
        #expect(dorset.judgement.oldCode == "839" && dorset.relation == .successor)
        // Poole's only successor is BCP.
        #expect(history.next(ReportingUnit("836"), year: 2018, horizonMonths: 24, registry: registry)?.judgement.oldCode == "839")
        // Northamptonshire census 2019: its 2019 judgement is in force, the next is North Northamptonshire's.
        let northants = try #require(history.next(ReportingUnit("928"), year: 2019, horizonMonths: 24, registry: registry))
        #expect(northants.judgement.oldCode == "940" && northants.relation == .successor)
        #expect(history.inForce(ReportingUnit("928"), year: 2019, registry: registry)?.judgement.grade == .inadequate)
        // The joint unit 940 / 941 at census 2020 (before its members existed) has its predecessor's judgement in force.
        let joint = try #require(history.inForce(ReportingUnit(memberCodes: ["940", "941"]), year: 2020, registry: registry))
        #expect(joint.judgement.oldCode == "928" && joint.relation == .predecessor)
        // Kingston and Richmond's joint return: the most severe of the members' next judgements.
        let kr = try #require(history.next(ReportingUnit(memberCodes: ["314", "318"]), year: 2018, horizonMonths: 24, registry: registry))
        #expect(kr.judgement.oldCode == "318" && kr.judgement.grade == .inadequate && kr.relation == .member)
        #expect(history.next(ReportingUnit(memberCodes: ["314", "318"]), year: 2019, horizonMonths: 24, registry: registry)?.judgement.grade == .outstanding)
    }

    @Test func badRowsAreErrorsNamingLineAndField() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/judgements.csv"
        try Fixtures.write("""
            new_la_code,old_la_code,la_name,framework,publication_date,overall_effectiveness
            E09000002,301,Barking and Dagenham,sif,2014-07-07,Requires improvement to be good
            E09000003,302,Barnet,sif,2017-07,inadequate
            E09000004,303,Bexley,sif,2017-07-07,excellent
            E09000005,304,Brent,sif,07/07/2017,good

            """, to: path)
        #expect {
            try OfstedHistory.load(path: path, registry: try Fixtures.registry())
        } throws: { error in
            let text = "\(error)"
            return text.contains("judgements.csv:4: field 'overall_effectiveness'") && text.contains("judgements.csv:5: field 'publication_date'")
        }
        try Fixtures.write("new_la_code,old_la_code,la_name,framework,publication_date,overall_effectiveness\nE09000002,301,B,sif,2014-07-07,Requires improvement to be good\nE09000003,302,Barnet,sif,2017-07,inadequate\n", to: path)
        let ok = try OfstedHistory.load(path: path, registry: try Fixtures.registry())
        #expect(ok.byCode["301"]?.first?.grade == .requiresImprovement)
        #expect(ok.byCode["302"]?.first?.published == DayStamp(iso: "2017-07-31"))
    }
}

/// The backtest on the real DfE workforce file and Ofsted judgements in ../shared/data.
@Suite(.enabled(if: Fixtures.sharedAvailable && FileManager.default.fileExists(atPath: Fixtures.realOfsted),
                Comment(rawValue: Fixtures.sharedSkipMessage)))
struct RealBacktestTests {
    @Test func pairsRespectTheCensusAndTheFiguresAreSane() throws {
        var pipeline = try Pipeline.load(path: Fixtures.repoRoot + "/pipelines/backtest.yml")
        pipeline.inputs.ofsted = Fixtures.realOfsted
        let report = try BacktestRunner.run(pipeline: pipeline, ofsted: Fixtures.realOfsted,
                                            config: BacktestConfig(years: 2017...2019, horizonMonths: 24, draws: 20, seed: 3))
        #expect(report.years.map(\.year) == [2017, 2018, 2019])
        #expect(report.pairs.count > 150)
        for p in report.pairs {
            let census = DayStamp.census(p.year)
            #expect(p.outcome.judgement.published > census && p.outcome.judgement.published <= census.adding(months: 24))
            if let f = p.inForce { #expect(f.judgement.published <= census) }
        }
        // Every unit of a year is either paired or counted as having no judgement in the horizon.
        for y in report.years { #expect(y.paired + y.noInspection == y.units) }
        let overall = try #require(report.results.first { $0.scope == "2017-2019" && $0.predictor.name == "overall" })
        let auc = try #require(overall.aucInadequate.value)
        #expect(auc > 0.5 && auc < 0.95)
        #expect(overall.aucInadequate.low! <= auc && auc <= overall.aucInadequate.high!)
    }
}

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
