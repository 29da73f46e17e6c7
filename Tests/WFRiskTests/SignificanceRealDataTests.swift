import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskScoring
@testable import WFRisk

/// Intervals, significance and the empirical-Bayes shrinkage on the real 2023 file with demand and
/// statistical neighbours (issue 24; docs/methodology.md §3).
@Suite(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
struct SignificanceRealDataTests {
    static func realTable() throws -> ScoreTable {
        let reader = try Fixtures.reader()
        let wf = try TidyDataset.merge([try reader.read(path: Fixtures.realWorkforce, wanted: Measure.workforce, kind: "workforce")])
        let dm = try TidyDataset.merge([Fixtures.realB1, Fixtures.realC1].map { try reader.read(path: $0, wanted: Measure.demand, kind: "demand") })
        return try Scorer.score(ScoringInput(workforce: wf, demand: dm, registry: try Fixtures.registry(),
                                             neighbours: try StatisticalNeighbours.load(path: Fixtures.realNeighbours),
                                             settings: try Fixtures.settings()))
    }

    static func inpost(_ u: UnitScore) -> Double? { u.result(.absenceRate)?.denominator ?? u.result(.turnoverRate)?.denominator }

    /// No authority with fewer than 20 FTE in post is in the top 10 of any of the three scores
    /// unless one of its weighted indicators is significantly worse than England at 99.8%.
    @Test func smallAuthoritiesReachTheTopTenOnlyOnSignificantEvidence() throws {
        let table = try Self.realTable()
        #expect(table.year == 2023)
        var small = 0
        for u in table.units {
            guard let n = Self.inpost(u), n < 20 else { continue }
            small += 1
            let weighted = (u.instability.indicators + u.caseloadRisk.indicators).filter { $0.weight > 0 }
            let evidence = weighted.contains { $0.significantlyWorse(.ci998) }
            for (name, rank) in [("overall", u.overallRank), ("instability", u.instability.rank), ("caseload risk", u.caseloadRisk.rank)] {
                guard let rank, rank <= 10 else { continue }
                #expect(evidence, "\(u.name) (\(n) FTE) is \(rank) on \(name) with no weighted indicator significantly worse at 99.8%")
            }
        }
        #expect(small >= 1, "the 2023 file has authorities under 20 FTE (City of London, Isles of Scilly)")
    }

    /// On every row: the interval contains the value, the 99.8% interval contains the 95% one, and
    /// vs_england is what the interval says against England's value.
    @Test func everyRowsReadingAgreesWithItsInterval() throws {
        let table = try Self.realTable()
        var rows = 0, readings = 0
        for u in table.units {
            for r in u.instability.indicators + u.caseloadRisk.indicators {
                guard let a = r.ci95, let b = r.ci998, let v = r.value else {
                    #expect(r.vsEngland == nil, "\(u.name) \(r.indicator.rawValue): a reading without an interval")
                    continue
                }
                rows += 1
                #expect(a.contains(v) && b.contains(v), "\(u.name) \(r.indicator.rawValue) \(v) outside \(a) / \(b)")
                #expect(b.low <= a.low + 1e-9 && b.high >= a.high - 1e-9)
                let england = table.englandValues[r.indicator.ordinal]
                let expected: Significance? = england.map { e in a.low > e ? .higher : (a.high < e ? .lower : .similar) }
                #expect(r.vsEngland == expected, "\(u.name) \(r.indicator.rawValue)")
                if r.vsEngland != nil { readings += 1 }
                if r.vsEngland998 != nil && r.vsEngland998 != .similar { #expect(r.vsEngland == r.vsEngland998) }
            }
        }
        #expect(rows > 1000 && readings > 1000)
    }

    /// Every weighted workforce indicator is shrunk by a between-authority variance estimated from
    /// the data (no fallback on the real file), and a small unit keeps less of its own rate.
    @Test func theRealFileIsShrunkByEmpiricalBayes() throws {
        let table = try Self.realTable()
        for i in [Indicator.agencyRate, .absenceRate, .caseload, .casesPerInpost] {
            let s = try #require(table.shrinkage.first { $0.indicator == i })
            #expect(s.method == "empirical_bayes" && (s.tau2 ?? 0) > 0, "\(i.rawValue): \(s)")
        }
        let city = try #require(table.units.first { $0.oldCode == "201" })
        let birmingham = try #require(table.units.first { $0.oldCode == "330" })
        let a = try #require(city.result(.absenceRate)?.reliability), b = try #require(birmingham.result(.absenceRate)?.reliability)
        #expect(a < b)
    }
}
