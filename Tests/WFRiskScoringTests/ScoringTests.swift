import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskScoring
@testable import WFRisk

@Suite struct ScoringPropertyTests {
    func unit(_ table: ScoreTable, _ code: String) -> UnitScore { table.units.first { $0.unit == ReportingUnit(code) }! }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func raisingTurnoverNeverLowersInstability(seed: UInt64) throws {
        let rows = SyntheticData.rows(seed: seed)
        let base = try SyntheticData.score(Fixtures.workforceCSV(rows))
        var rng = SeededRandom(seed: seed &* 31)
        for code in ["841", "394", "929"] {
            var raised = rows
            let i = raised.firstIndex { $0.code == code && $0.year == 2023 }!
            raised[i].leavers *= 1.1 + rng.unit()
            let after = try SyntheticData.score(Fixtures.workforceCSV(raised))
            #expect(unit(after, code).instability.value! >= unit(base, code).instability.value! - 1e-9, "seed \(seed) code \(code)")
        }
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func shufflingRowsAndFilesNeverChangesOutputs(seed: UInt64) throws {
        let rows = SyntheticData.rows(seed: seed)
        let settings = try Fixtures.settings()
        let reference = try SyntheticData.score(Fixtures.workforceCSV(rows))
        var rng = SeededRandom(seed: seed)
        var shuffled = rows
        shuffled.shuffle(using: &rng)
        // Split into two files by year, passed in reverse order.
        let dir = Fixtures.temporaryDirectory()
        let early = shuffled.filter { $0.year < 2023 }, late = shuffled.filter { $0.year == 2023 }
        try Fixtures.write(Fixtures.workforceCSV(late), to: dir + "/b_late.csv")
        try Fixtures.write(Fixtures.workforceCSV(early), to: dir + "/a_early.csv")
        let reader = try Fixtures.reader()
        let files = try ["/b_late.csv", "/a_early.csv"].map { try reader.read(path: dir + $0, wanted: Measure.workforce, kind: "workforce") }
        let table = try Scorer.score(ScoringInput(workforce: try TidyDataset.merge(files), registry: try Fixtures.registry(), settings: settings))
        #expect(ScoresCSV.render(table) == ScoresCSV.render(reference))
        #expect(ScoresDocument(table: table, inputs: [], settings: settings).renderedBytes() == ScoresDocument(table: reference, inputs: [], settings: settings).renderedBytes())
    }

    @Test func suppressedIndicatorLowersCoverageButStillScores() throws {
        var rows = SyntheticData.rows(seed: 21)
        let i = rows.firstIndex { $0.code == "806" && $0.year == 2023 }!
        rows[i].absence = "c"
        let table = try SyntheticData.score(Fixtures.workforceCSV(rows))
        let u = unit(table, "806")
        #expect(u.instability.value != nil)
        #expect(u.isRanked)
        #expect(u.instability.coverage < unit(table, "805").instability.coverage)
        let absence = u.instability.indicators.first { $0.indicator == .absenceRate }!
        #expect(absence.z == nil && absence.note?.contains("c") == true)
    }

    @Test func contributionsAddUpToTheScore() throws {
        let table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 5)))
        for u in table.units {
            for c in [u.instability, u.caseloadRisk] {
                guard let v = c.value else { continue }
                let sum = c.indicators.compactMap(\.contribution).reduce(0, +)
                #expect(abs(50 + sum - v) < 1e-9 || v == 0 || v == 100)
                #expect((0...100).contains(v))
            }
        }
    }

    @Test func oneLeaverInATinyAuthorityDoesNotTopTheTable() throws {
        var rows = SyntheticData.rows(seed: 9)
        // Replace Darlington with a City-of-London-sized unit that lost one of its eight staff.
        for i in rows.indices where rows[i].code == "841" {
            rows[i].inpost = 8; rows[i].leavers = rows[i].year == 2023 ? 1 : 0.2; rows[i].starters = 0
            rows[i].agency = 0.5; rows[i].vacancies = 0.5; rows[i].holders = 5; rows[i].cases = 60
        }
        let table = try SyntheticData.score(Fixtures.workforceCSV(rows))
        let tiny = unit(table, "841")
        let turnover = tiny.instability.indicators.first { $0.indicator == .turnoverRate }!
        // 12.5% raw turnover is pulled most of the way to England's level.
        let england = table.englandPriors.first { $0.0 == "turnover_rate" }!.1 * 100
        #expect(abs(turnover.adjusted! - england) < abs(turnover.value! - england) / 2)
        #expect(tiny.instability.rank! > 1)
    }

    @Test func ranksFollowScoresQuartilesAreQuartersAndBandsAreDistances() throws {
        let table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 4)))
        let ranked = table.units.filter(\.isRanked)
        for (a, b) in zip(ranked, ranked.dropFirst()) {
            #expect(a.overall! >= b.overall!)
            #expect(a.overallRank! <= b.overallRank!)
            #expect(a.quartile! <= b.quartile!)
        }
        #expect(ranked.first?.quartile == 1)
        #expect(ranked.last?.quartile == 4)
        // The band reads the distance from the median in robust units, whatever the rank.
        let scores = ranked.map { $0.overall! }
        let (median, scale, _) = RobustScale.estimate(scores)
        for u in ranked {
            let d = (u.overall! - median) / scale
            let expected: Band = d >= 1.5 ? .high : d >= 0.5 ? .elevated : d > -0.5 ? .moderate : .low
            #expect(u.band == expected.rawValue, "\(u.name): distance \(d)")
        }
    }

    /// Bands are absolute: when every unit is alike, nobody is "high" (quartiles would still put a quarter there).
    @Test func identicalUnitsAreAllModerate() throws {
        var rows = SyntheticData.rows(seed: 8)
        for i in rows.indices { rows[i].inpost = 100; rows[i].leavers = 15; rows[i].starters = 15; rows[i].agency = 15; rows[i].vacancies = 15; rows[i].holders = 65; rows[i].cases = 1040; rows[i].absence = "3.0" }
        let table = try SyntheticData.score(Fixtures.workforceCSV(rows))
        #expect(table.units.filter(\.isRanked).allSatisfy { $0.band == "moderate" })
        #expect(table.units.contains { $0.quartile == 1 })
    }

    @Test func missingDemandIsNotApplicableNotMissing() throws {
        let table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 2)))
        let u = table.units[0]
        #expect(!u.caseloadRisk.indicators.contains { $0.indicator == .cinRate })
        #expect(u.caseloadRisk.coverage == 1)
    }

    @Test func weightsComeFromSettings() throws {
        var settings = try Fixtures.settings()
        for i in Indicator.indicators(for: .instability) where i != .turnoverRate { settings.weights[i] = 0 }
        let table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 6)), settings: settings)
        // With turnover alone, instability order is turnover order.
        let ordered = table.units.filter { $0.instability.value != nil }.sorted { $0.instability.value! > $1.instability.value! }
        let adjusted = ordered.map { $0.instability.indicators.first { $0.indicator == .turnoverRate }!.adjusted! }
        #expect(adjusted == adjusted.sorted(by: >))
    }
}

@Suite struct RobustScaleTests {
    @Test func outlierDoesNotStretchTheScale() {
        let base = (0...100).map(Double.init)
        let (m1, s1, _) = RobustScale.estimate(base)
        let (m2, s2, _) = RobustScale.estimate(base + [10_000])
        #expect(abs(m1 - m2) <= 0.5)
        #expect(abs(s1 - s2) / s1 < 0.05)
        // A standard deviation would have grown more than twentyfold.
        let mean = (base + [10_000]).reduce(0, +) / 102
        let sd = ((base + [10_000]).map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 101).squareRoot()
        #expect(sd > 20 * s2)
    }

    @Test func fallsBackWhenMADIsZero() {
        let values = [1.0, 1, 1, 1, 1, 1, 5, 9]
        let (_, s, method) = RobustScale.estimate(values)
        #expect(s > 0)
        #expect(method != "mad")
    }
}
