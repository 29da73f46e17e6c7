import Dispatch
import WFRiskCore
import WFRiskInspections

/// Scores every year of a run (`history.csv`) and lines the years up per current unit, across
/// boundary changes and joint returns (docs/methodology.md §12).
package enum ScoreSeries {
    /// Years to score: those with local-authority figures, within `window`, up to the scoring year.
    package static func years(figures: FigureTable, scoringYear: Int, window: HistoryWindow) -> [Int] {
        figures.years.filter { $0 <= scoringYear && window.contains($0, scoringYear: scoringYear) }
    }

    /// Each year scored and ranked like the scoring year, kept as what `history.csv` needs (on up
    /// to `threads` threads; the result does not depend on how many). `inspections` gives each
    /// year's evidence when the run has texts.
    package static func score(_ input: ScoringInput, figures: FigureTable, years: [Int],
                             inspections: [Int: [ReportingUnit: InspectionEvidence]]?, threads: Int) throws -> [YearScores] {
        try Parallel.map(years, threads: threads) { year in try scoreHistoryYear(year, input, figures: figures, inspections: inspections) }
    }

    /// The scoring year in full (unranked, as `Scorer.scoreUnranked`) and the history years (as
    /// `score`), on up to `threads` threads side by side: the pipeline's `score` stage.
    ///
    /// Why not the plain order (`Scorer.scoreUnranked`, then `score`; `ScoringFastPathTests`
    /// pins this to it): on workload b (20,000 units, ten years) the scoring year, the heaviest
    /// pass, ran alone on one core before the history years shared the threads: a seventh of
    /// the stage's CPU (`perf`, docs/performance.md) with the other core idle. Every pass is
    /// pure and writes its own slot, so the results do not depend on the order or the thread
    /// count. The passes share England's priors and the shrinkage of every year they read
    /// (`YearEstimates`, which says why; the plain order makes them per pass).
    package static func scoreWithHistory(_ input: ScoringInput, figures: FigureTable, years: [Int],
                                         inspections: [Int: [ReportingUnit: InspectionEvidence]]?,
                                         threads: Int) throws -> (year: ScoreTable, earlier: [YearScores]) {
        enum Pass: Sendable { case year(ScoreTable), history(YearScores) }
        // Every pass's window; none when there is no scoring year (the pass says so).
        let estimates = (input.settings.year ?? input.workforce.latestYear).map { scoring in
            let earliest = YearEstimates.window(scoring: min(scoring, years.min() ?? scoring), settings: input.settings)
            return YearEstimates(figures: figures, years: earliest.lowerBound...max(scoring, years.max() ?? scoring),
                                 settings: input.settings, threads: threads)
        }
        // The scoring year first (nil), so with two threads it is taken at once.
        let tasks: [Int?] = [nil] + years
        let done = try Parallel.map(tasks, threads: threads) { year throws -> Pass in
            guard let year else { return .year(try Scorer.scoreUnranked(input, figures: figures, estimates: estimates)) }
            return .history(try scoreHistoryYear(year, input, figures: figures, inspections: inspections, estimates: estimates))
        }
        guard case .year(let table) = done[0] else { preconditionFailure("the scoring year is the first pass") }
        let earlier = done.dropFirst().map { pass -> YearScores in
            guard case .history(let scores) = pass else { preconditionFailure("history passes follow the scoring year") }
            return scores
        }
        return (table, earlier)
    }

    /// One history year of `input`, with that year's inspection evidence when the run has texts.
    static func scoreHistoryYear(_ year: Int, _ input: ScoringInput, figures: FigureTable,
                                 inspections: [Int: [ReportingUnit: InspectionEvidence]]?,
                                 estimates: YearEstimates? = nil) throws -> YearScores {
        var yearInput = input
        yearInput.settings.year = year
        if let inspections { yearInput.inspections = inspections[year] ?? [:] }
        return try Scorer.scoreHistoryYear(yearInput, figures: figures, estimates: estimates)
    }

    /// One row per current unit (the last of `tables`, the scoring year) and scored year, oldest
    /// year first within a unit.
    ///
    /// The units are taken in up to `threads` runs of at least `minimumRun` consecutive units at
    /// once, each run's rows made straight into their places (`Parallel.pieces`); one thread is
    /// the plain path. Why: 200,000 rows at 100x, a fifth of a second of the run's sequential
    /// rank stage (perf). Within a run the rows are made year by year, so each year's table is
    /// looked up once a run, not once a row (the lookups touch shared reference counts, which
    /// two threads would contend for).
    package static func history(_ tables: [YearScores], figures: FigureTable, registry: AuthorityRegistry,
                                threads: Int = 1, minimumRun: Int = 1024) -> [HistoryRow] {
        guard let current = tables.last else { return [] }
        let byYear = Dictionary(uniqueKeysWithValues: tables.map { t in
            (t.year, (t, Dictionary(uniqueKeysWithValues: t.units.enumerated().map { ($1.unit, $0) }), t.rankedCount))
        })
        let years = tables.map(\.year).sorted()
        let units = current.units.sorted(by: { $0.unit < $1.unit })
        let runs = Parallel.chunks(units.count, threads: threads, minimum: minimumRun)
        return Parallel.pieces(runs.map { $0.count * years.count }, threads: threads) { k, piece in
            for (y, year) in years.enumerated() {
                let (table, index, rankedCount) = byYear[year]!
                for (j, u) in runs[k].enumerated() {
                    (piece.baseAddress! + j * years.count + y).initialize(
                        to: row(units[u], year: year, table: table, index: index, rankedCount: rankedCount,
                                figures: figures, registry: registry))
                }
            }
        }
    }

    /// The history row of current unit `u` in `year`, whose scores are `table` (`index` finds a unit's).
    private static func row(_ u: YearScore, year: Int, table: YearScores, index: [ReportingUnit: Int], rankedCount: Int,
                            figures: FigureTable, registry: AuthorityRegistry) -> HistoryRow {
        var row = HistoryRow(year: year, unit: u, source: nil, comparability: .none, rankedCount: rankedCount, status: .noData, note: nil)
        if let i = index[u.unit] {
            row.source = table.units[i]
            row.comparability = .same
            row.status = row.source!.isRanked ? .ranked : .excluded
            row.note = row.source!.exclusionReason
        } else if let predecessors = figures.predecessorUnits(u.unit, year, registry: registry) {
            let names = predecessors.compactMap { index[$0].map { table.units[$0].name } }.joined(separator: " + ")
            if predecessors.count == 1, let i = index[predecessors[0]] {
                let p = table.units[i]
                let successors = Set(p.unit.memberCodes.flatMap { registry.authority(oldCode: $0)?.successors ?? [] })
                row.source = p
                row.comparability = successors == Set(u.unit.memberCodes) ? .equivalent : .approximate
                row.status = p.isRanked ? .ranked : .excluded
                row.note = row.comparability == .equivalent
                    ? "\(year) scores are those of \(p.name), the predecessor covering the same area"
                    : "\(year) scores are those of \(p.name), a predecessor covering a different area: not directly comparable"
            } else {
                row.status = .notComparable
                row.note = "boundary change: in \(year) the area was reported as \(names)"
            }
        } else {
            row.note = "no figures for \(year)"
        }
        return row
    }

    /// Fills each current unit's change since the year before from its history rows.
    package static func applyChanges(_ table: inout ScoreTable, history: [HistoryRow]) {
        let previousYear = table.year - 1
        var previous: [ReportingUnit: HistoryRow] = [:]
        for row in history where row.year == previousYear { previous[row.unit.unit] = row }
        let scored = Set(history.map(\.year)).contains(previousYear)
        for i in table.units.indices {
            let u = table.units[i]
            var change = YearChange()
            guard u.isRanked, let rank = u.overallRank, let score = u.overall else {
                change.note = "not ranked in \(table.year)"
                table.units[i].change = change
                continue
            }
            guard scored, let row = previous[u.unit] else {
                change.note = "no \(previousYear) scores in this run"
                table.units[i].change = change
                continue
            }
            switch (row.status, row.comparability) {
            case (.noData, _), (.notComparable, _):
                change.note = row.note
            case (_, .approximate):
                change.note = "boundary change: \(previousYear) area (\(row.source!.name)) differs"
            case (.excluded, _):
                change.note = "not ranked in \(previousYear): \(row.source?.exclusionReason ?? "excluded")"
            default:
                let p = row.source!
                change.previousRank = p.overallRank
                change.rankChange = p.overallRank.map { $0 - rank }
                // Both scores as written, so the change is the difference of the printed figures.
                change.scoreChange = p.overall.map { Decimals.round(score, Ranking.scoreDecimals) - Decimals.round($0, Ranking.scoreDecimals) }
                if row.comparability == .equivalent { change.note = "\(previousYear) rank is that of \(p.name) (same area)" }
            }
            table.units[i].change = change
        }
    }
}

/// One current unit in one scored year.
package struct HistoryRow: Sendable {
    package enum Comparability: String, Sendable {
        case same, equivalent, approximate, none
    }
    package enum Status: String, Sendable {
        case ranked, excluded
        case notComparable = "not_comparable"
        case noData = "no_data"
    }

    package var year: Int
    /// The unit as it is in the scoring year.
    package var unit: YearScore
    /// Whose scores the year shows: the unit itself or its predecessor; nil when none.
    package var source: YearScore?
    package var comparability: Comparability
    /// Units ranked that year.
    package var rankedCount: Int
    package var status: Status
    package var note: String?

    package init(year: Int, unit: YearScore, source: YearScore? = nil, comparability: Comparability, rankedCount: Int,
                 status: Status, note: String? = nil) {
        self.year = year
        self.unit = unit
        self.source = source
        self.comparability = comparability
        self.rankedCount = rankedCount
        self.status = status
        self.note = note
    }
}

/// What a scored year leaves for `history.csv`, the change columns and the report's series: a
/// unit's identity, its three scores, ranks, band, coverage and status, not its indicators
/// (a class, so the history's rows share it instead of copying it per year).
package final class YearScore: Sendable {
    package let unit: ReportingUnit
    package let oldCode: String
    package let newCode: String
    package let name: String
    package let regionCode: String
    package let overall: Double?
    package let overallRank: Int?
    package let instability: Double?
    package let instabilityRank: Int?
    package let caseloadRisk: Double?
    package let caseloadRiskRank: Int?
    package let band: String?
    package let quartile: Int?
    package let coverage: Double
    package let exclusionReason: String?

    package convenience init(_ u: UnitScore) {
        self.init(unit: u.unit, oldCode: u.oldCode, newCode: u.newCode, name: u.name, regionCode: u.regionCode,
                  overall: u.overall, overallRank: u.overallRank, instability: u.instability.value,
                  instabilityRank: u.instability.rank, caseloadRisk: u.caseloadRisk.value, caseloadRiskRank: u.caseloadRisk.rank,
                  band: u.band, quartile: u.quartile, coverage: u.coverage, exclusionReason: u.exclusionReason)
    }

    package init(unit: ReportingUnit, oldCode: String, newCode: String, name: String, regionCode: String,
                 overall: Double?, overallRank: Int?, instability: Double?, instabilityRank: Int?,
                 caseloadRisk: Double?, caseloadRiskRank: Int?, band: String?, quartile: Int?,
                 coverage: Double, exclusionReason: String?) {
        self.unit = unit
        self.oldCode = oldCode
        self.newCode = newCode
        self.name = name
        self.regionCode = regionCode
        self.overall = overall
        self.overallRank = overallRank
        self.instability = instability
        self.instabilityRank = instabilityRank
        self.caseloadRisk = caseloadRisk
        self.caseloadRiskRank = caseloadRiskRank
        self.band = band
        self.quartile = quartile
        self.coverage = coverage
        self.exclusionReason = exclusionReason
    }

    package var isRanked: Bool { overallRank != nil }
}

/// One scored year as `YearScore`s, in its table's order (ranked units first, by rank).
package struct YearScores: Sendable {
    package let year: Int
    package let units: [YearScore]
    /// Units ranked that year.
    package let rankedCount: Int

    package init(_ table: ScoreTable) {
        self.init(year: table.year, units: table.units.map(YearScore.init), rankedCount: table.rankedCount)
    }

    package init(year: Int, units: [YearScore], rankedCount: Int) {
        self.year = year
        self.units = units
        self.rankedCount = rankedCount
    }
}
