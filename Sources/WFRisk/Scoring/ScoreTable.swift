/// One indicator's part in a score: the value as published or derived, the value after
/// small-denominator adjustment, its standardised position, and the points it adds.
public struct IndicatorResult: Sendable, Equatable {
    public var indicator: Indicator
    /// Value before adjustment (published rate, or derived from counts).
    public var value: Double?
    /// Value after shrinkage toward England (what is standardised).
    public var adjusted: Double?
    /// Robust z-score, direction applied, clamped.
    public var z: Double?
    /// Points added to (or, if negative, taken from) the 50-point baseline.
    public var contribution: Double?
    /// Configured weight.
    public var weight: Double
    /// Why there is no value, or a caveat on it.
    public var note: String?
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
}

/// A measure beside its comparators: England, the unit's region, its statistical neighbours' mean.
public struct Comparison: Sendable, Equatable {
    public var measure: String
    public var value: Double?
    public var england: Double?
    public var region: Double?
    public var neighboursMean: Double?
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

    public var isRanked: Bool { overallRank != nil }
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
}
