import Foundation
import WFRiskInspections

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
    /// Years a scored year reads, itself included: the trend window, and at least the year
    /// before (the change indicators).
    public var lookBackYears: Int { max(2, trendYears) }
    /// Units with fewer in-post FTE than this are flagged as small in the notes.
    public var smallUnitFTE: Double
    public var weights: [Indicator: Double]
    /// Blend of the two scores into the overall score.
    public var blend: [ScoreKind: Double]
    /// Inspection settings (window, recency half-life, judgement weights).
    public var inspections: InspectionSettings
    /// Years scored for `history.csv` (up to the scoring year).
    public var history: HistoryWindow = .last(10)
    /// Rank intervals by simulation (docs/methodology.md §13).
    public var uncertainty = UncertaintySettings()

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

    /// "2019-2023" (or one year) as a range of years 2000–2100; nil when it is not one.
    public static func yearRange(_ text: String) -> ClosedRange<Int>? {
        guard let r = parseYears(text), r.lowerBound >= 2000, r.upperBound <= 2100 else { return nil }
        return r
    }

    /// `2019-2023` or `2023` as a range of years, with no bounds (callers apply theirs); nil when
    /// it is neither or the range runs backwards.
    public static func parseYears(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), let a = parts.first ?? nil, let b = parts.last ?? nil, a <= b else { return nil }
        return a...b
    }
}

/// How the rank intervals are simulated.
public struct UncertaintySettings: Sendable, Equatable {
    /// Simulated draws; 0 leaves the interval columns empty.
    public var draws: Int = 500
    /// Seed of the draws: the same seed gives the same intervals on any machine and thread count.
    public var seed: Int = 2023
    /// Each weight is multiplied by a uniform factor in [1 − spread, 1 + spread] per draw.
    public var weightSpread: Double = 0.25

    init() {}
}

/// Which years a run scores for `history.csv`, up to the scoring year (docs/methodology.md §12).
public enum HistoryWindow: Sendable, Equatable {
    /// Every year the data holds.
    case all
    /// The scoring year and the `n − 1` years before it.
    case last(Int)
    /// These years.
    case years(ClosedRange<Int>)

    /// `all`, `last N` (N from 1 to 100) or years such as `2019-2023` or `2023`; nil when it is none of them.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "all" {
            self = .all
        } else if t.hasPrefix("last "), let n = Int(t.dropFirst(5).trimmingCharacters(in: .whitespaces)), (1...100).contains(n) {
            self = .last(n)
        } else if let r = ScoringSettings.yearRange(t) {
            self = .years(r)
        } else {
            return nil
        }
    }

    /// As a pipeline file and `scores.json` write it.
    public var text: String {
        switch self {
        case .all: return "all"
        case .last(let n): return "last \(n)"
        case .years(let r): return "\(r.lowerBound)-\(r.upperBound)"
        }
    }

    /// Whether `year` is scored when `scoringYear` is the scoring year.
    public func contains(_ year: Int, scoringYear: Int) -> Bool {
        switch self {
        case .all: return true
        case .last(let n): return year > scoringYear - n
        case .years(let r): return r.contains(year)
        }
    }
}
