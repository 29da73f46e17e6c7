import WFRiskCore
import WFRiskOfsted
import WFRiskIngest
import WFRiskInspections

/// One indicator's part in a score: the value as published or derived, the value after
/// small-denominator adjustment, its standardised position, and the points it adds.
public struct IndicatorResult: Sendable, Equatable {
    public var indicator: Indicator
    /// Value before adjustment (published rate, or derived from counts).
    @NilAsNaN public var value: Double? = nil
    /// Value after shrinkage toward England (what is standardised).
    @NilAsNaN public var adjusted: Double? = nil
    /// Robust z-score, direction applied, clamped.
    @NilAsNaN public var z: Double? = nil
    /// Points added to (or, if negative, taken from) the 50-point baseline.
    @NilAsNaN public var contribution: Double? = nil
    /// Configured weight.
    public var weight: Double
    /// Why there is no value, or a caveat on it.
    public var note: String?
    /// Rank among the units with an adjusted value, 1 = most risk (direction applied).
    public var rank: Int? = nil
    /// Standard deviation of the adjusted value from sampling noise given its denominator (rank intervals).
    @NilAsNaN public var sd: Double? = nil
    /// What the value rests on (FTE, case-holding FTE, children): the funnel plot's x.
    @NilAsNaN public var denominator: Double? = nil
    /// Intervals of `value` (before shrinkage) at 95% and 99.8%, and how they were computed.
    public var ci95: ConfidenceInterval? = nil
    public var ci998: ConfidenceInterval? = nil
    public var intervalMethod: IntervalMethod? = nil
    /// Share of its own departure from England the adjusted value keeps (shrinkage reliability).
    @NilAsNaN public var reliability: Double? = nil
    /// Where the 95% and 99.8% intervals lie against England's value.
    public var vsEngland: Significance? = nil
    public var vsEngland998: Significance? = nil

    /// The interval at `level`.
    public func interval(_ level: ConfidenceLevel) -> ConfidenceInterval? { level == .ci95 ? ci95 : ci998 }

    /// Significantly worse than England at `level` (the indicator's polarity applied).
    public func significantlyWorse(_ level: ConfidenceLevel = .ci95) -> Bool {
        (level == .ci95 ? vsEngland : vsEngland998)?.isWorse(direction: indicator.direction) ?? false
    }
}

/// How an indicator was shrunk in the scoring year: the between-authority variance estimated from
/// the data (empirical Bayes), or the fixed pseudo-count fallback (docs/methodology.md §3).
public struct IndicatorShrinkage: Sendable, Equatable {
    public var indicator: Indicator
    /// `empirical_bayes` or `fixed_prior`.
    public var method: String
    /// Between-authority variance on the value's scale (squared units of the value); nil for the fallback.
    public var tau2: Double?
    /// Spiegelhalter's overdispersion factor φ; nil for the fallback.
    public var phi: Double?
    /// Units the estimate rests on.
    public var units: Int
    /// The fallback's pseudo-count (FTE or children).
    public var k: Double
    /// England's value the funnel is centred on (the value's scale).
    public var england: Double?
    /// The value's scale (100 for per cent, 10,000 per 10,000 children, 1 per FTE).
    public var scale: Double

    /// Funnel limits around England's value for a unit with `denominator`, at `level`, widened by
    /// the between-authority variance (Spiegelhalter's additive overdispersion adjustment; none
    /// under the fallback); nil without England's value or a funnel for the indicator's model.
    public func funnel(denominator: Double, level: ConfidenceLevel) -> ConfidenceInterval? {
        guard let england, let model = indicator.definition.sampling else { return nil }
        return model.funnel(target: england / scale, denominator: denominator, level: level, tau2: (tau2 ?? 0) / (scale * scale))?.scaled(by: scale)
    }
}

/// A 0–100 score with its coverage and the contributions it is the sum of.
public struct ComponentScore: Sendable, Equatable {
    public var kind: ScoreKind
    /// nil when coverage is below the minimum.
    public var value: Double?
    /// Share of applicable weight whose indicator had a value.
    public var coverage: Double
    public var indicators: [IndicatorResult]
    public var rank: Int?
    /// Absolute band of the score (distance from the median score in robust units).
    public var band: Band? = nil

    /// Weighted indicators whose 95% interval lies on the worse side of England's value.
    public var significantlyWorse: Int { indicators.reduce(0) { $1.weight > 0 && $1.significantlyWorse() ? $0 + 1 : $0 } }
}

/// A measure beside its comparators: England, the unit's region, its statistical neighbours' median.
public struct Comparison: Sendable, Equatable {
    public var measure: String
    public var value: Double?
    public var england: Double?
    public var region: Double?
    public var neighboursMedian: Double?
    public var neighboursCount: Int

    /// Indicators shown beside their comparators.
    public static let measures: [Indicator] = [.turnoverRate, .agencyRate, .vacancyRate, .absenceRate, .caseload]
}

/// Everything wfrisk says about one reporting unit in the scoring year.
public struct UnitScore: Sendable, Equatable {
    public var unit: ReportingUnit
    public var year: Int
    public var oldCode: String
    public var newCode: String
    public var name: String
    public var regionCode: String
    public var regionName: String
    public var instability: ComponentScore
    public var caseloadRisk: ComponentScore
    public var overall: Double?
    public var overallRank: Int?
    /// Absolute band of the overall score (`Band`).
    public var band: String?
    /// Mean of the two components' coverages, weighted by the blend.
    public var coverage: Double
    public var comparisons: [Comparison]
    public var notes: [String]
    /// Why the unit has no overall rank, when it has none.
    public var exclusionReason: String?
    /// Inspection evidence behind the inspection component, if any.
    public var inspection: InspectionEvidence?
    /// Ofsted's judgement in force at 30 September of `year` (only ones published by then),
    /// when the run has a judgements file.
    public var judgementInForce: LinkedJudgement? = nil

    /// Quartile of the overall rank, 1 = the quarter with most risk.
    public var quartile: Int? = nil
    /// Overall score's distance from the median ranked unit, in robust units (what `band` reads).
    public var bandDistance: Double? = nil
    /// Change since the year before (`history.csv` has the whole series).
    public var change: YearChange? = nil
    /// How sure the overall rank is (rank interval by simulation).
    public var uncertainty: RankUncertainty? = nil
    /// The unit's statistical neighbours present in the scoring year.
    public var neighbours: [NeighbourRef] = []
    /// Indicators moving the overall score the way it lies from the median, by at least
    /// `Ranking.driverMinPoints` each, largest first (`Ranking.drivers`).
    public var drivers: [Indicator] = []
    /// `main_drivers` and `summary` in words (`UnitWords`).
    public var mainDrivers: String? = nil
    public var summary: String? = nil

    public var isRanked: Bool { overallRank != nil }
}

/// Overall rank and score against the year before, or why they cannot be compared.
public struct YearChange: Sendable, Equatable {
    public var previousRank: Int?
    /// previous rank − rank: positive = moved toward rank 1 (more risk relative to others).
    public var rankChange: Int?
    /// score − previous score: positive = more risk.
    public var scoreChange: Double?
    /// Why a change is blank, or whose figures the previous year's are.
    public var note: String?
}

/// A 90% interval of the overall rank and the chance of the high band, from simulation.
public struct RankUncertainty: Sendable, Equatable {
    public var rankLow: Int
    public var rankHigh: Int
    public var pHighBand: Double
}

/// A statistical neighbour by code and name.
public struct NeighbourRef: Sendable, Equatable {
    public var oldCode: String
    public var newCode: String
    public var name: String
}

/// Median and scale an indicator was standardised with, so a score can be recomputed by hand.
public struct StandardisationReference: Sendable, Equatable {
    public var indicator: Indicator
    public var median: Double
    public var scale: Double
    public var scaleMethod: String
    public var count: Int
}

/// The result of scoring one year.
public struct ScoreTable: Sendable {
    public var year: Int
    /// Ranked units first (by overall rank), then unranked units by code.
    public var units: [UnitScore]
    public var references: [StandardisationReference]
    /// England values the shrinkage used, by name.
    public var englandPriors: [(String, Double)]
    /// Indicator sources present in this run.
    public var sources: Set<IndicatorSource>
    public var warnings: [String]
    /// Median and robust scale of the overall and component scores that bands are read against.
    public var bandReferences: [(String, BandReference)] = []
    /// Each indicator's value for England, by `Indicator.ordinal` (the definition applied to England's figures).
    public var englandValues: [Double?] = []
    /// Each indicator's value for each region (by region code), by `Indicator.ordinal`.
    public var regionValues: [String: [Double?]] = [:]
    /// Units with an adjusted value, by `Indicator.ordinal` (what indicator ranks are out of).
    public var indicatorCounts: [Int] = []
    /// How each indicator with a sampling model was shrunk, in indicator order.
    public var shrinkage: [IndicatorShrinkage] = []
    /// Number of ranked units.
    public var rankedCount: Int { units.lazy.filter(\.isRanked).count }
}
