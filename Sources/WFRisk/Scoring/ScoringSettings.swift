/// Everything that shapes a score, read from a pipeline file's `settings` (defaults:
/// `Resources/default_settings.yml`). Documented in docs/methodology.md.
public struct ScoringSettings: Sendable, Equatable {
    /// Scoring year; nil means the latest year with local-authority rows.
    public var year: Int?
    /// Prior strength, in FTE, of the shrinkage of small units' rates toward England's.
    public var priorFTE: Double
    /// Prior strength, in children, of the shrinkage of demand rates toward England's.
    public var priorChildren: Double
    /// Standardised values are clamped to ±`zClamp` before weighting.
    public var zClamp: Double
    /// A score needs at least this share of its applicable weight present.
    public var minCoverage: Double
    /// Years in the trend window (the scoring year and the ones before it).
    public var trendYears: Int
    /// Units with fewer in-post FTE than this are flagged as small in the notes.
    public var smallUnitFTE: Double
    public var weights: [Indicator: Double]
    /// Blend of the two scores into the overall score.
    public var blend: [ScoreKind: Double]
    /// Inspection settings (window, recency half-life, judgement weights).
    public var inspections: InspectionSettings

    public init(year: Int? = nil, priorFTE: Double, priorChildren: Double, zClamp: Double, minCoverage: Double, trendYears: Int,
                smallUnitFTE: Double, weights: [Indicator: Double], blend: [ScoreKind: Double],
                inspections: InspectionSettings) {
        self.year = year
        self.priorFTE = priorFTE
        self.priorChildren = priorChildren
        self.zClamp = zClamp
        self.minCoverage = minCoverage
        self.trendYears = trendYears
        self.smallUnitFTE = smallUnitFTE
        self.weights = weights
        self.blend = blend
        self.inspections = inspections
    }

    public func weight(_ indicator: Indicator) -> Double { weights[indicator] ?? 0 }
}

/// How inspection texts turn into the inspection component.
public struct InspectionSettings: Sendable, Equatable {
    /// Texts older than this many months before the scoring date are ignored.
    public var windowMonths: Int
    /// A text's weight halves every this many months of age.
    public var halfLifeMonths: Double
    /// Points each judgement in force adds to the inspection concern (0 = none).
    public var judgementConcern: [String: Double]

    public init(windowMonths: Int, halfLifeMonths: Double, judgementConcern: [String: Double]) {
        self.windowMonths = windowMonths
        self.halfLifeMonths = halfLifeMonths
        self.judgementConcern = judgementConcern
    }
}
