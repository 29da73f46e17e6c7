import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskIngest
@testable import WFRiskScoring

@Suite struct IndicatorDefinitionTests {
    @Test func everyIndicatorHasItsOwnDefinitionInOrder() {
        #expect(IndicatorDefinition.all.map(\.indicator) == Indicator.allCases)
        #expect(Indicator.inpostChange.direction == -1)
        #expect(Indicator.allCases.filter { $0.direction < 0 } == [.inpostChange])
    }

    /// The fallback (no between-authority estimate) is the fixed pseudo-count's prior-weighted ratio.
    @Test func fallbackShrinkageIsThePriorWeightedRatio() throws {
        let fixed = Shrinker.fixed(model: .binomial, prior: 0.15, scale: 100, k: 25)
        let shrunk = try #require(fixed.adjusted(0.3, denominator: 10, figures: nil))
        let expected: Double = 100 * (3 + 25 * 0.15) / 35
        #expect(abs(shrunk - expected) < 1e-12)
        let plain = Shrinker.fixed(model: .binomial, prior: nil, scale: 100, k: 25).adjusted(0.3, denominator: 10, figures: nil)
        #expect(plain == 30)
        #expect(fixed.adjusted(0.3, denominator: 0, figures: nil) == nil)
    }

    /// The definitions are DfE's: computed from the published counts, every rate matches the
    /// published rate (one decimal) on the real file, for every unit and year.
    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func ratiosReproduceDfEsPublishedRates() throws {
        let dataset = try TidyDataset.merge([try Fixtures.reader().read(path: Fixtures.realWorkforce, wanted: Measure.workforce, kind: "workforce")])
        let published: [(Indicator, Measure)] = [(.turnoverRate, .turnoverRateFTE), (.agencyRate, .agencyRateFTE),
                                                 (.vacancyRate, .vacancyRateFTE), (.caseload, .caseloadFTE)]
        var compared = 0
        for year in dataset.years {
            for (unit, record) in dataset.localAuthorities(in: year) {
                let f = WorkforceFigures(record: record)
                for (indicator, measure) in published {
                    let r = indicator.definition.ratio!
                    guard let p = record.values[measure]?.number, let c = r.computed(f),
                          let n = r.numerator(f, nil), let d = r.denominator(f, nil) else { continue }
                    // Published rates are rounded to 1 decimal, and so are the FTE counts they are computed from here.
                    let countRounding: Double = r.scale * 0.1 * (1 / d + abs(n) / (d * d))
                    let gap: Double = abs(c - p)
                    #expect(gap <= 0.051 + countRounding, "\(unit) \(year) \(indicator.rawValue): computed \(c), published \(p)")
                    compared += 1
                }
            }
        }
        #expect(compared > 3000)
    }

    /// England's prior is the definition's ratio of England's figures.
    @Test func priorsAreTheDefinitionsAppliedToEngland() throws {
        let table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 3)))
        let rows = SyntheticData.rows(seed: 3).filter { $0.year == 2023 }
        let leavers = rows.map(\.leavers).reduce(0, +), inpost = rows.map(\.inpost).reduce(0, +)
        let priors = Dictionary(uniqueKeysWithValues: table.englandPriors)
        // The synthetic file's National row is written to one decimal.
        let turnover: Double = priors["turnover_rate"]! - leavers / inpost
        #expect(abs(turnover) < 1e-3)
        let agency = rows.map(\.agency).reduce(0, +)
        let agencyGap: Double = priors["agency_rate"]! - agency / (agency + inpost)
        #expect(abs(agencyGap) < 1e-3)
        #expect(priors["inpost_growth"] != nil && priors["previous_caseload"] != nil)
    }
}
