import Testing
@testable import WFRiskScoring

/// `Indicator` hashes and compares by case (`ordinal`, a scoring speed-up): the ordinal must be
/// the case's place in `allCases`, so slot arrays indexed by it line up with the cases.
@Suite struct IndicatorOrdinalTests {
    @Test func indicatorOrdinalIsItsPlaceInAllCases() {
        for (i, x) in Indicator.allCases.enumerated() { #expect(x.ordinal == i, "\(x)") }
        #expect(Set(Indicator.allCases).count == Indicator.allCases.count)
    }
}
