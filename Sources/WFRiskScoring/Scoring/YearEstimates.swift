import WFRiskCore

/// England's prior and each figures-based indicator's shrinkage (`YearShrinkage`), by ordinal,
/// for a span of years: what a scoring pass reads for its year and the years its change and
/// trend indicators look back over.
///
/// Why one for a whole series (`ScoreSeries.scoreWithHistory`) rather than one per pass (what
/// `Scorer.scoreUnranked` and `ScoreSeries.score` still make, and what `ScoringFastPathTests`
/// compares the series with): both depend only on the year's figures and the run's settings, yet
/// each of a run's ten passes estimated its own year and the two before it, every year about
/// three times over (7 % of the score stage's samples on the 100x workload, `perf`). Shared,
/// they cost about 50 ms less CPU at 100x, within the stage's noise (docs/performance.md). A
/// pass reads a shared table only within its own window, so it reads what it would have made.
/// Kept by year in an array: the passes read a year's shrinkage for every unit and indicator,
/// and through a dictionary each read hashed the year.
struct YearEstimates: Sendable {
    private let first: Int
    private let priors: [[Double?]]
    private let shrinkers: [[Shrinker?]]

    /// The years `years` (a pass's window or the union of a series'), on up to `threads` threads.
    init(figures: FigureTable, years: ClosedRange<Int>, settings: ScoringSettings, threads: Int = 1) {
        first = years.lowerBound
        let estimated = Parallel.map(Array(years), threads: threads) { y -> (prior: [Double?], shrinkers: [Shrinker?]) in
            let p = Indicator.allCases.map { ScoringContext.prior($0, year: y, figures: figures) }
            return (p, YearShrinkage.shrinkers(year: y, figures: figures, priors: p, settings: settings))
        }
        priors = estimated.map(\.prior)
        shrinkers = estimated.map(\.shrinkers)
    }

    /// The years a pass scoring `year` reads: the year and those its indicators look back over.
    static func window(scoring year: Int, settings: ScoringSettings) -> ClosedRange<Int> {
        (year - settings.lookBackYears + 1)...year
    }

    /// Whether every year of `years` was estimated.
    func spans(_ years: ClosedRange<Int>) -> Bool {
        years.lowerBound >= first && years.upperBound < first + priors.count
    }

    /// England's priors in `year`, by ordinal; nil outside the span.
    func priors(in year: Int) -> [Double?]? {
        let i = year - first
        return priors.indices.contains(i) ? priors[i] : nil
    }

    /// The shrinkage of `indicator` in `year`; nil outside the span or for an indicator without one.
    func shrinker(_ indicator: Indicator, in year: Int) -> Shrinker? {
        let i = year - first
        return shrinkers.indices.contains(i) ? shrinkers[i][indicator.ordinal] : nil
    }

    /// Each indicator's shrinkage in `year`, by ordinal; nil outside the span.
    func shrinkers(in year: Int) -> [Shrinker?]? {
        let i = year - first
        return shrinkers.indices.contains(i) ? shrinkers[i] : nil
    }
}
