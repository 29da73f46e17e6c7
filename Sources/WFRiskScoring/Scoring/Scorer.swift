import Foundation
import WFRiskCore
import WFRiskOfsted
import WFRiskIngest
import WFRiskInspections

/// What the scorer needs: merged inputs, reference data and settings. Pure data, so
/// the scoring can be tested without touching files.
public struct ScoringInput: Sendable {
    public var workforce: TidyDataset
    public var demand: TidyDataset?
    public var registry: AuthorityRegistry
    public var neighbours: StatisticalNeighbours?
    /// Inspection evidence per unit; nil when the run has no inspection input at all.
    public var inspections: [ReportingUnit: InspectionEvidence]?
    /// Ofsted judgements, shown beside the scores (never in them; docs/validity.md).
    public var judgements: OfstedHistory?
    public var settings: ScoringSettings

    public init(workforce: TidyDataset, demand: TidyDataset? = nil, registry: AuthorityRegistry,
                neighbours: StatisticalNeighbours? = nil, inspections: [ReportingUnit: InspectionEvidence]? = nil,
                judgements: OfstedHistory? = nil, settings: ScoringSettings) {
        self.workforce = workforce
        self.demand = demand
        self.registry = registry
        self.neighbours = neighbours
        self.inspections = inspections
        self.judgements = judgements
        self.settings = settings
    }
}

/// Computes the instability and caseload-risk scores for one year (methodology: docs/methodology.md).
public enum Scorer {
    public static let methodologyVersion = "3.1.0"

    /// Scores and ranks.
    public static func score(_ input: ScoringInput, figures: FigureTable? = nil) throws -> ScoreTable {
        var table = try scoreUnranked(input, figures: figures)
        Ranking.rank(&table, blend: input.settings.blend)
        return table
    }

    /// Scores every unit without ranking (the pipeline's `score` stage; `Ranking.rank` follows).
    /// `figures`, when given, must be built from `input.workforce` (a series shares one).
    package static func scoreUnranked(_ input: ScoringInput, figures: FigureTable? = nil) throws -> ScoreTable {
        try scoreUnranked(input, figures: figures ?? FigureTable(input.workforce), estimates: nil)
    }

    /// As `scoreUnranked`, with the estimates a series shares (nil: the pass makes its own).
    static func scoreUnranked(_ input: ScoringInput, figures: FigureTable, estimates: YearEstimates?) throws -> ScoreTable {
        try ScoringContext(input, figures: figures, estimates: estimates).run()
    }

    /// Scores and ranks a year of a series (`history.csv`): the same scores, ranks, bands and
    /// coverage as `score`, without what only the scoring year shows (comparators, notes,
    /// indicator ranks, sampling noise, drivers), and kept as `YearScores`.
    static func scoreHistoryYear(_ input: ScoringInput, figures: FigureTable, estimates: YearEstimates? = nil) throws -> YearScores {
        try ScoringContext(input, figures: figures, detail: .history, estimates: estimates).historyYear()
    }

    /// `scoreHistoryYear` the plain way, a whole scoring pass: what `ScoringContext.historyYear`
    /// is pinned to (`HistoryYearTests`).
    static func scoreHistoryYearPlain(_ input: ScoringInput, figures: FigureTable, estimates: YearEstimates? = nil) throws -> YearScores {
        var table = try ScoringContext(input, figures: figures, detail: .history, estimates: estimates).run()
        Ranking.rank(&table, blend: input.settings.blend, drivers: false)
        return YearScores(table)
    }
}

/// How much of a year a scoring pass computes.
enum ScoringDetail {
    /// Everything the scoring year's outputs show.
    case full
    /// What a history year's row needs: the scores, their coverage and exclusion reasons.
    case history
}

/// The working state of one scoring pass.
struct ScoringContext {
    let input: ScoringInput
    let settings: ScoringSettings
    let year: Int
    let units: [ReportingUnit: TidyRecord]
    /// `units`' keys in code order: the order of every pass over them.
    let keys: [ReportingUnit]
    let sources: Set<IndicatorSource>
    let figures: FigureTable
    let demand: DemandLookup?
    /// The scoring year's local-authority figures.
    let yearFigures: [ReportingUnit: WorkforceFigures]
    /// England's prior (a proportion) for each indicator in the scoring year, by ordinal.
    let priors: [Double?]
    /// England's priors and each figures-based indicator's shrinkage in the scoring year and the
    /// years the trend and change indicators look back over (`window`); read only within it.
    let estimates: YearEstimates
    let window: ClosedRange<Int>
    /// The scoring year's shrinkage of each indicator, by ordinal: `estimates`' and the demand rates'.
    let yearShrinkers: [Shrinker?]
    /// Each indicator's weight, by ordinal.
    let weightOf: [Double]
    /// Per score (`ScoreKind.ordinal`): its indicators this run has a source for, and those of them with weight.
    let listed: [[Indicator]]
    let weighted: [[Indicator]]
    /// The definitions of the indicators this run has a source for, in order: found once, not
    /// per unit (the set lookup hashed each source by its name: 33 of 260 samples of the 100x
    /// score stage's indicator time, none after; perf with DWARF call graphs).
    let applicable: [IndicatorDefinition]
    /// Those of them with weight: all a history year's scores read (`historyYear`).
    let weightedApplicable: [IndicatorDefinition]
    let detail: ScoringDetail

    /// `estimates`, when given, must span this pass's window (`YearEstimates.window`) and be made
    /// from `figures` and these settings; a series shares one (`ScoreSeries.scoreWithHistory`).
    init(_ input: ScoringInput, figures: FigureTable, detail: ScoringDetail = .full, estimates: YearEstimates? = nil) throws {
        self.input = input
        self.detail = detail
        settings = input.settings
        guard let year = settings.year ?? input.workforce.latestYear else {
            throw WFRiskError.input(InputProblem(file: input.workforce.files.map(\.path).joined(separator: ", "),
                                                 message: "no local-authority rows to score"))
        }
        self.year = year
        if let records = figures.records[year] {
            units = records
            keys = figures.unitOrder[year]!
        } else {
            units = input.workforce.localAuthorities(in: year)
            keys = units.keys.sorted()
        }
        guard !units.isEmpty else {
            let have = input.workforce.years.map(String.init).joined(separator: ", ")
            throw WFRiskError.usage("no local-authority rows for scoring year \(year); the workforce data has years: \(have)")
        }
        var s: Set<IndicatorSource> = [.workforce]
        if input.demand != nil { s.insert(.demand) }
        if input.inspections != nil { s.insert(.inspections) }
        sources = s
        self.figures = figures
        if let d = input.demand {
            demand = DemandLookup(dataset: d, registry: input.registry, year: year)
        } else {
            demand = nil
        }
        yearFigures = figures.units[year] ?? [:]
        let window = YearEstimates.window(scoring: year, settings: settings)
        let estimates = estimates ?? YearEstimates(figures: figures, years: window, settings: settings)
        precondition(estimates.spans(window), "the shared estimates span every pass's window")
        self.window = window
        self.estimates = estimates
        priors = estimates.priors(in: year)!
        var shrinkers = estimates.shrinkers(in: year)!
        if let demand {
            // Demand rates: the scoring year's units, each its rate per child on the children it implies.
            let keys = self.keys
            for i in [Indicator.cinRate, .referralRate] {
                let (count, rate) = Self.demandMeasures(i)
                let results = keys.map { demand.rate($0, count: count, rate: rate) }
                let list = results.compactMap { r in r.value.flatMap { v in r.children.map { (ratio: v / 10_000, denominator: $0, figures: WorkforceFigures?.none) } } }
                shrinkers[i.ordinal] = Shrinker.estimated(model: i.definition.sampling!, prior: demand.englandRate(rate).map { $0 / 10_000 },
                                                          scale: 10_000, k: settings.priorChildren, units: list)
            }
        }
        yearShrinkers = shrinkers
        let settings = settings, sources = s
        weightOf = Indicator.allCases.map { settings.weight($0) }
        listed = ScoreKind.allCases.map { Indicator.indicators(for: $0).filter { sources.contains($0.source) } }
        weighted = listed.map { $0.filter { settings.weight($0) > 0 } }
        applicable = IndicatorDefinition.all.filter { s.contains($0.indicator.source) }
        let weights = weightOf
        weightedApplicable = applicable.filter { weights[$0.indicator.ordinal] > 0 }
    }

    // MARK: England

    /// England's prior for `indicator` in `y` (cached over the look-back years).
    func prior(_ indicator: Indicator, in y: Int) -> Double? {
        if window.contains(y), let cached = estimates.priors(in: y) { return cached[indicator.ordinal] }
        return Self.prior(indicator, year: y, figures: figures)
    }

    /// England's ratio for a figures-based indicator in `year`, as a proportion: what small units are shrunk toward.
    static func prior(_ indicator: Indicator, year: Int, figures: FigureTable) -> Double? {
        guard let e = figures.england[year] else { return nil }
        switch indicator.definition.formula {
        case .ratio(let r): return r.proportion(e)
        case .change(let r): return r.proportion(e, figures.england[year - 1])
        default: return nil
        }
    }

    /// The demand file's count and rate measures of a demand indicator.
    static func demandMeasures(_ i: Indicator) -> (count: Measure, rate: Measure) {
        i == .cinRate ? (.cinCount, .cinRate) : (.referralCount, .referralRate)
    }

    /// The shrinkage of `indicator` in `y` (a year the context has estimated).
    func shrinker(_ indicator: Indicator, in y: Int) -> Shrinker {
        if y == year, let s = yearShrinkers[indicator.ordinal] { return s }
        if window.contains(y), let s = estimates.shrinker(indicator, in: y) { return s }
        let r = indicator.definition.ratio!
        return Shrinker.fixed(model: r.model, prior: prior(indicator, in: y), scale: r.scale, k: settings.priorFTE)
    }

    /// How each indicator was shrunk in the scoring year (`scores.json` → `shrinkage`).
    var listedShrinkage: [IndicatorShrinkage] {
        Indicator.allCases.compactMap { i in
            guard sources.contains(i.source), let s = yearShrinkers[i.ordinal] else { return nil }
            // An estimate too large to write (corrupt magnitudes) is listed without its figures.
            let e = s.estimate.flatMap { e in e.tau2 * s.scale * s.scale < 1e9 && e.phi < 1e12 ? e : nil }
            return IndicatorShrinkage(indicator: i, method: s.estimate == nil ? "fixed_prior" : "empirical_bayes",
                                      tau2: e.map { $0.tau2 * s.scale * s.scale }, phi: e?.phi, units: e?.units ?? 0, k: s.k,
                                      england: s.prior.map { $0 * s.scale }.flatMap { abs($0) < 1e12 ? $0 : nil }, scale: s.scale)
        }
    }

    /// Priors as listed in `scores.json` (`england_priors`), in indicator order.
    var listedPriors: [(String, Double)] {
        IndicatorDefinition.all.compactMap { d in
            guard let name = d.priorName else { return nil }
            var p = priors[d.indicator.ordinal]
            if case .difference(let base) = d.formula { p = Self.prior(base, year: year - 1, figures: figures) }
            return p.map { (name, d.priorListedInPercent ? 100 * $0 : $0) }
        }
    }

    // MARK: Run

    func run() -> ScoreTable {
        var warnings: [String] = []
        guard figures.england[year] != nil else {
            return ScoreTable(year: year, units: [], references: [], englandPriors: [], sources: sources, warnings: ["no England figures for \(year)"])
        }
        // Per unit, in `keys` order (positions, not unit hashes, on the per-indicator passes).
        var rows: [IndicatorResults] = []
        var notes: [[String]] = []
        rows.reserveCapacity(keys.count)
        notes.reserveCapacity(keys.count)
        for unit in keys {
            var unitNotes: [String] = []
            rows.append(indicatorValues(unit, notes: &unitNotes))
            notes.append(unitNotes)
        }
        // Each interval against England's value (the definition applied to England's figures, unshrunk).
        let englandValues = detail == .full
            ? Indicator.allCases.map { comparatorValue($0, figures.england[year], previous: figures.england[year - 1], area: nil) } : []
        if detail == .full {
            for u in rows.indices {
                for i in Indicator.allCases {
                    guard var r = rows[u][i] else { continue }
                    r.vsEngland = Significance.of(r.ci95, against: englandValues[i.ordinal])
                    r.vsEngland998 = Significance.of(r.ci998, against: englandValues[i.ordinal])
                    rows[u][i] = r
                }
            }
        }
        // Standardise each indicator across the units that have a value for it.
        var references: [StandardisationReference] = []
        for indicator in Indicator.allCases where sources.contains(indicator.source) {
            let column = rows.map { $0.adjusted(indicator) }
            guard let (reference, zs) = standardised(indicator, column, spread: { rows.compactMap { $0.unshrunk(indicator) } }) else {
                if settings.weight(indicator) > 0 {
                    warnings.append("\(indicator.rawValue): only \(column.count { $0 != nil }) unit(s) have a value; not standardised")
                }
                continue
            }
            references.append(reference)
            for u in rows.indices {
                if let z = zs[u] { rows[u].setZ(indicator, z) }
            }
        }
        // Indicator ranks: 1 = most risk, equal adjusted values share a rank.
        var counts = [Int](repeating: 0, count: Indicator.allCases.count)
        for indicator in Indicator.allCases where detail == .full && sources.contains(indicator.source) {
            let order = rows.indices.compactMap { u in rows[u].adjusted(indicator).map { (u, indicator.direction * $0) } }
                .sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }
            counts[indicator.ordinal] = order.count
            var rank = 0
            var previous: Double?
            for (position, (u, v)) in order.enumerated() {
                if v != previous { rank = position + 1; previous = v }
                rows[u][indicator]!.rank = rank
            }
        }
        // Each unit's slots freed once its score is assembled (the empty value shares one
        // buffer): the slots of every unit (about 115 MB at 20,000 units) and the assembled
        // scores no longer peak together.
        var scored: [UnitScore] = []
        scored.reserveCapacity(keys.count)
        let released = IndicatorResults()
        for u in keys.indices {
            scored.append(assemble(keys[u], results: rows[u], notes: notes[u]))
            rows[u] = released
        }
        var table = ScoreTable(year: year, units: scored, references: references,
                               englandPriors: detail == .full ? listedPriors : [], sources: sources, warnings: warnings)
        guard detail == .full else { return table }
        table.indicatorCounts = counts
        table.englandValues = englandValues
        table.shrinkage = listedShrinkage
        var regions: [String: [Double?]] = [:]
        for (code, f) in figures.regions[year] ?? [:] {
            regions[code] = Indicator.allCases.map { comparatorValue($0, f, previous: figures.regions[year - 1]?[code], area: code) }
        }
        table.regionValues = regions
        return table
    }

    /// One indicator's standardisation across the units (`column`: each unit's adjusted value, in
    /// `keys` order) and each unit's z-score. An inspection indicator is on a fixed scale and
    /// always has one (its count may be 0); any other is nil when fewer than three units have a
    /// value (not standardised). `spread` gives the values the scale is measured on: each present unit's
    /// value before shrinkage, or its adjusted value where it has none, in the same order.
    func standardised(_ indicator: Indicator, _ column: [Double?], spread: () -> [Double]) -> (reference: StandardisationReference, z: [Double?])? {
        let clamp = settings.zClamp
        if indicator.source == .inspections {
            // Inspection concern is already on a fixed scale (-1 … 1): full concern is the clamp.
            let z = column.map { x in x.map { min(clamp, max(-clamp, $0 * clamp)) } }
            return (StandardisationReference(indicator: indicator, median: 0, scale: 1 / clamp, scaleMethod: "fixed", count: z.count { $0 != nil }), z)
        }
        let values = column.compactMap { $0 }
        guard values.count >= 3 else { return nil }
        // Centre: the median adjusted value. Scale: the spread of the values *before*
        // shrinkage (docs/methodology.md §5). Shrinkage pulls an imprecise value toward
        // England so that its z-score shrinks; measuring the spread on the shrunk values
        // would undo that, and where nearly every difference is noise (absence, reliability
        // about 0.05) it would blow differences of a twentieth of a point up to whole z-units.
        let median = RobustScale.median(values)
        let (_, scale, method) = RobustScale.estimate(spread())
        let z = column.map { x in
            x.map { x in
                let z = scale > 0 ? indicator.direction * (x - median) / scale : 0
                return min(clamp, max(-clamp, z))
            }
        }
        return (StandardisationReference(indicator: indicator, median: median, scale: scale, scaleMethod: method, count: values.count), z)
    }

    /// An indicator's value for England (`area` nil) or a region: its definition applied to
    /// their figures, unshrunk; the demand rates from the demand file's National row.
    func comparatorValue(_ indicator: Indicator, _ now: WorkforceFigures?, previous: WorkforceFigures?, area: String?) -> Double? {
        guard let now else { return nil }
        switch indicator.definition.formula {
        case .ratio(let r): return r.value(now)
        case .change(let r): return previous.flatMap { r.computed(now, $0) }
        case .difference(let base):
            let r = base.definition.ratio!
            return previous.flatMap { p in r.value(now).flatMap { c in r.value(p).map { c - $0 } } }
        case .trend(let components, _):
            guard area == nil else { return nil }
            let points: [(Double, Double)] = ((year - settings.trendYears + 1)...year).compactMap { y in
                guard let e = figures.england[y] else { return nil }
                let parts = components.compactMap { $0.definition.ratio!.value(e) }
                return parts.count == components.count ? (Double(y), parts.reduce(0, +)) : nil
            }
            return Self.slope(points)
        case .external:
            guard area == nil, indicator.source == .demand, let demand else { return nil }
            return demand.englandRate(indicator == .cinRate ? .cinRate : .referralRate)
        }
    }

    /// Least-squares slope of (x, y) points; nil with fewer than 2 or no spread in x.
    static func slope(_ points: [(Double, Double)]) -> Double? {
        guard points.count >= 2 else { return nil }
        let mx = points.reduce(0) { $0 + $1.0 } / Double(points.count)
        let my = points.reduce(0) { $0 + $1.1 } / Double(points.count)
        let sxy = points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return sxx > 0 ? sxy / sxx : nil
    }

    // MARK: Indicators

    /// Every applicable indicator of one unit (with `only`, those definitions alone), each
    /// evaluated from its definition.
    func indicatorValues(_ unit: ReportingUnit, notes: inout [String], only: [IndicatorDefinition]? = nil) -> IndicatorResults {
        let now = yearFigures[unit]!
        var out = IndicatorResults()
        // Sampling noise feeds only the scoring year's rank simulation.
        let noise = detail == .full
        /// `missing` explains an absent value; `caveat` qualifies a present one.
        func put(_ i: Indicator, _ value: Double?, _ adjusted: Double?, _ missing: String? = nil, caveat: String? = nil) {
            // A value no output can write (non-finite, or past what two decimals hold) is not computable.
            func unwritable(_ x: Double?) -> Bool { x.map { !$0.isFinite || abs($0) >= 1e15 } ?? false }
            if unwritable(value) || unwritable(adjusted) {
                out[i] = IndicatorResult(indicator: i, value: nil, adjusted: nil, z: nil, contribution: nil,
                                         weight: weightOf[i.ordinal], note: "not computable (value out of range)")
                return
            }
            out[i] = IndicatorResult(indicator: i, value: value, adjusted: adjusted, z: nil, contribution: nil,
                                     weight: weightOf[i.ordinal], note: adjusted == nil ? (missing ?? "missing") : caveat)
        }
        func reason(_ measures: [Measure]) -> String {
            let rs = measures.compactMap { m in now.missingReasons[m].map { "\(m.rawValue): \($0)" } }
            return rs.isEmpty ? "not computable (zero denominator)" : rs.joined(separator: "; ")
        }
        if detail == .full, let inpost = now.inpost, inpost < settings.smallUnitFTE {
            notes.append("small unit: \(Decimals.format(inpost, 1)) FTE in post; rates shrunk toward England by their reliability")
        }
        // The year before, across boundary changes where comparable: looked up once, when first
        // read (a history year's weighted indicators may none of them look back).
        var beforeFound: (WorkforceFigures, Comparability)??
        var before: (WorkforceFigures, Comparability)? {
            if let found = beforeFound { return found }
            let found = figures.figures(unit, year - 1, registry: input.registry)
            beforeFound = .some(found)
            return found
        }
        if detail == .full, let (_, comparability) = before {
            switch comparability {
            case .same: break
            case .equivalent(let label): notes.append("\(year - 1) figures are those of \(label)")
            case .approximate(let label): notes.append("\(year - 1) rates are those of \(label) (boundary change; counts not compared)")
            }
        }
        /// The value's intervals (95%, 99.8%) from its model on `denominator`, before shrinkage.
        func intervals(_ i: Indicator, _ model: SamplingModel, value: Double?, denominator: Double?, scale: Double, figures: WorkforceFigures?) {
            guard noise, let v = value, let d = denominator, d > 0, out[i]?.adjusted != nil else { return }
            let x = v * d / scale
            out[i]!.denominator = d
            for level in ConfidenceLevel.allCases {
                guard let (interval, method) = model.interval(numerator: x, denominator: d, scale: scale, level: level, figures: figures) else { continue }
                if level == .ci95 { out[i]!.ci95 = interval } else { out[i]!.ci998 = interval }
                out[i]!.intervalMethod = method
            }
        }
        /// Normal intervals `value ± z·sd` (differences and trends, from their sampling sd).
        func normalIntervals(_ i: Indicator, value: Double?, sd: Double) {
            guard noise, let v = value, out[i]?.adjusted != nil else { return }
            out[i]!.ci95 = IntervalMethod.normal(v, sd: sd, z: ConfidenceLevel.ci95.z)
            out[i]!.ci998 = IntervalMethod.normal(v, sd: sd, z: ConfidenceLevel.ci998.z)
            out[i]!.intervalMethod = .normal
        }
        for d in only ?? applicable {
            let i = d.indicator
            switch d.formula {
            case .ratio(let r):
                // Worded only when a value is missing.
                func missing() -> String { reason(r.measures + (r.publishedMeasure.map { [$0] } ?? [])) }
                let shrinker = shrinker(i, in: year)
                if let adjusted = r.adjusted(now, by: shrinker) {
                    let value = r.value(now), denominator = r.denominator(now, nil)
                    put(i, value, adjusted, caveat: r.caveat?(now))
                    if noise {
                        out[i]!.sd = shrinker.sd(denominator: denominator, adjusted: adjusted, figures: now)
                        out[i]!.reliability = denominator.map { shrinker.reliability(denominator: $0, figures: now) }
                        intervals(i, r.model, value: value, denominator: denominator, scale: r.scale, figures: now)
                    }
                } else if r.publishedFallback, let published = r.published?(now) {
                    put(i, published, published, caveat: "published rate used unadjusted (\(missing())); no interval without its counts")
                    // No denominator: as uncertain as a unit with none.
                    if noise { out[i]!.sd = shrinker.sd(denominator: 0, adjusted: published, figures: now) }
                } else {
                    put(i, r.publishedFallback ? nil : r.value(now), nil, missing())
                }
            case .change(let r):
                guard let (previous, comparability) = before else { put(i, nil, nil, "no \(year - 1) figures"); continue }
                if case .approximate(let label) = comparability {
                    put(i, nil, nil, "boundary change: \(year - 1) area (\(label)) differs")
                } else if r.numerator(now, previous) != nil, let d = r.denominator(now, previous) {
                    let shrinker = shrinker(i, in: year)
                    let adjusted = r.adjusted(now, previous, by: shrinker)
                    let value = r.computed(now, previous)
                    put(i, value, adjusted,
                        d > 0 ? nil : "not computable (\(r.zeroDenominator?(year - 1) ?? "zero denominator"))")
                    if noise, let a = adjusted {
                        out[i]!.sd = shrinker.sd(denominator: d, adjusted: a, figures: now)
                        out[i]!.reliability = shrinker.reliability(denominator: d, figures: now)
                        intervals(i, r.model, value: value, denominator: d, scale: r.scale, figures: now)
                    }
                } else {
                    put(i, nil, nil, reason(r.measures))
                }
            case .difference(let base):
                let r = base.definition.ratio!
                let sNow = shrinker(base, in: year), sBefore = shrinker(base, in: year - 1)
                if let (previous, _) = before, let current = r.adjusted(now, by: sNow), let previousAdjusted = r.adjusted(previous, by: sBefore) {
                    let value = r.value(now).flatMap { c in r.value(previous).map { c - $0 } }
                    put(i, value, current - previousAdjusted)
                    guard noise else { continue }
                    // Two years' independent noise: posterior sds for the draws, sampling sds (at the
                    // unit's own rates) for the interval of the unshrunk difference.
                    let dNow = r.denominator(now, nil), dBefore = r.denominator(previous, nil)
                    let sdNow = sNow.sd(denominator: dNow, adjusted: current, figures: now)
                    let sdBefore = sBefore.sd(denominator: dBefore, adjusted: previousAdjusted, figures: previous)
                    out[i]!.sd = (sdNow * sdNow + sdBefore * sdBefore).squareRoot()
                    if let dn = dNow, let db = dBefore, let pn = r.proportion(now), let pb = r.proportion(previous),
                       let vn = r.model.variance(at: pn, denominator: dn, figures: now),
                       let vb = r.model.variance(at: pb, denominator: db, figures: previous) {
                        normalIntervals(i, value: value, sd: r.scale * (vn + vb).squareRoot())
                    }
                } else {
                    put(i, nil, nil, before == nil ? "no \(year - 1) figures" : reason(r.measures))
                }
            case .trend(let components, let named):
                if let trend = trend(unit, of: components, now: now, before: before?.0) {
                    put(i, trend, trend)
                    guard noise else { continue }
                    // Slope of the window's points, each as noisy as the year's sum of components.
                    let variance = components.reduce(0.0) { acc, c in
                        let r = c.definition.ratio!
                        let s = shrinker(c, in: year)
                        let sd = r.adjusted(now, by: s).map { s.sd(denominator: r.denominator(now, nil), adjusted: $0, figures: now) } ?? 0
                        return acc + sd * sd
                    }
                    let n = Double(settings.trendYears)
                    let sxx = n * (n * n - 1) / 12
                    out[i]!.sd = (variance / sxx).squareRoot()
                    normalIntervals(i, value: trend, sd: out[i]!.sd!)
                } else {
                    put(i, nil, nil, "fewer than 2 of the last \(settings.trendYears) years have \(named)")
                }
            case .external:
                switch i.source {
                case .demand:
                    guard let demand else { continue }
                    let (count, rate) = Self.demandMeasures(i)
                    let result = demand.rate(unit, count: count, rate: rate)
                    let shrinker = yearShrinkers[i.ordinal]!
                    let adjusted = result.value.map { v in result.children.flatMap { shrinker.adjusted(v / 10_000, denominator: $0, figures: nil) } ?? v }
                    put(i, result.value, adjusted, result.note, caveat: result.note)
                    if noise, let a = adjusted {
                        out[i]!.sd = shrinker.sd(denominator: result.children, adjusted: a, figures: nil)
                        out[i]!.reliability = result.children.map { shrinker.reliability(denominator: $0, figures: nil) }
                        intervals(i, shrinker.model, value: result.value, denominator: result.children, scale: 10_000, figures: nil)
                    }
                case .inspections:
                    guard let inspections = input.inspections else { continue }
                    let evidence = inspections[unit]
                    let concern = i == .inspectionInstability ? evidence?.instabilityConcern : evidence?.caseloadConcern
                    put(i, concern, concern, "no inspection text in window")
                case .workforce:
                    continue
                }
            }
        }
        // Sampling noise only where there is a finite adjusted value to move; intervals, sizes and
        // reliabilities only where every output can write them (huge inputs leave them out).
        // Without `noise` none of them was set: a history year skipped copying each result out
        // and back (with reading the spread in place, a fifth of the 100x score stage's samples).
        guard noise else { return out }
        func writable(_ x: Double?) -> Bool { x.map { $0.isFinite && abs($0) < 1e12 } ?? true }
        for i in Indicator.allCases {
            guard var r = out[i] else { continue }
            if let sd = r.sd, r.adjusted == nil || !sd.isFinite || sd >= 1e15 { r.sd = nil }
            if ![r.ci95?.low, r.ci95?.high, r.ci998?.low, r.ci998?.high, r.denominator, r.reliability].allSatisfy(writable) {
                r.ci95 = nil; r.ci998 = nil; r.intervalMethod = nil; r.denominator = nil; r.reliability = nil
            }
            out[i] = r
        }
        return out
    }

    /// Least-squares slope, in points per year, of the sum of `components`' adjusted values over
    /// the trend window (predecessors' rates stand in across a boundary change).
    /// `now` and `before` are the unit's figures this year and last (already looked up).
    func trend(_ unit: ReportingUnit, of components: [Indicator], now: WorkforceFigures, before: WorkforceFigures?) -> Double? {
        var points: [(Double, Double)] = []
        for y in (year - settings.trendYears + 1)...year {
            guard figures.england[y] != nil,
                  let f = y == year ? now : y == year - 1 ? before : figures.figures(unit, y, registry: input.registry)?.0 else { continue }
            var sum = 0.0
            var complete = true
            for c in components {
                guard let a = c.definition.ratio!.adjusted(f, by: shrinker(c, in: y)) else { complete = false; break }
                sum += a
            }
            if complete { points.append((Double(y), sum)) }
        }
        guard points.last?.0 == Double(year) else { return nil }
        return Self.slope(points)
    }

    // MARK: Assembly

    func assemble(_ unit: ReportingUnit, results: IndicatorResults, notes: [String]) -> UnitScore {
        let record = units[unit]!
        let registry = input.registry
        let full = detail == .full
        var notes = notes
        if full, members(unit).contains(where: { $0 == nil }) {
            notes.append("not in the authority registry: scored under the codes the file gives")
        }
        if full, unit.isJoint {
            notes.append("joint return: \(record.publishedName.isEmpty ? unit.key : record.publishedName) report together")
        }
        if full { notes += record.notes }
        func component(_ kind: ScoreKind) -> ComponentScore {
            let rules = ComponentSum.Rules(listed: listed[kind.ordinal], weighted: weighted[kind.ordinal], weightOf: weightOf,
                                           minCoverage: settings.minCoverage, zClamp: settings.zClamp)
            return full ? ComponentSum.plain(kind, results, rules) : ComponentSum.lean(kind, results, rules)
        }
        let instability = component(.instability)
        let caseload = component(.caseloadRisk)
        let wI = settings.blend[.instability] ?? 0.5, wC = settings.blend[.caseloadRisk] ?? 0.5
        let coverage = (wI * instability.coverage + wC * caseload.coverage) / max(1e-12, wI + wC)
        var exclusion: String?
        var missingParts: [String] = []
        for c in [instability, caseload] where c.value == nil {
            let absent = c.indicators.filter { $0.z == nil && $0.weight > 0 }.map { "\($0.indicator.rawValue) (\($0.note ?? "missing"))" }
            missingParts.append("\(c.kind.rawValue) coverage \(Decimals.format(c.coverage, 2)) below minimum \(Decimals.format(settings.minCoverage, 2)); missing: \(absent.joined(separator: ", "))")
        }
        if !missingParts.isEmpty { exclusion = missingParts.joined(separator: " | ") }

        let region = record.regionCode
        let codes = identity(unit, record)
        var unitScore = UnitScore(
            unit: unit, year: year, oldCode: codes.oldCode, newCode: codes.newCode, name: codes.name,
            regionCode: region, regionName: record.regionName,
            instability: instability, caseloadRisk: caseload, overall: nil, overallRank: nil, band: nil,
            coverage: coverage, comparisons: full ? comparisons(unit, record: record) : [], notes: notes,
            exclusionReason: exclusion, inspection: full ? input.inspections?[unit] : nil,
            judgementInForce: full ? input.judgements?.inForce(unit, year: year, registry: registry) : nil)
        guard full else { return unitScore }
        unitScore.neighbours = neighbourUnits(unit).map { n in
            let r = units[n]!
            return NeighbourRef(oldCode: r.publishedOldCode.isEmpty ? n.key : r.publishedOldCode, newCode: r.publishedNewCode, name: r.publishedName)
        }
        return unitScore
    }

    /// The unit's codes and name as published, or from the registry where the file leaves them out.
    func identity(_ unit: ReportingUnit, _ record: TidyRecord) -> (oldCode: String, newCode: String, name: String) {
        // The registry is asked only where the file's own codes and names fall short.
        (record.publishedOldCode.isEmpty ? unit.key : record.publishedOldCode,
         record.publishedNewCode.isEmpty ? members(unit).compactMap { $0?.newCode }.joined(separator: " / ") : record.publishedNewCode,
         record.publishedName.isEmpty ? members(unit).compactMap { $0?.name }.joined(separator: " / ") : record.publishedName)
    }

    /// The registry's entry for each of the unit's member codes (nil for a code it does not know).
    func members(_ unit: ReportingUnit) -> [Authority?] { unit.memberCodes.map { input.registry.authority(oldCode: $0) } }

    /// The unit's statistical neighbours among the scoring year's units, in the file's order.
    func neighbourUnits(_ unit: ReportingUnit) -> [ReportingUnit] {
        guard let sn = input.neighbours, let byMember = figures.unitByMember[year] else { return [] }
        return sn.neighbours(of: unit, among: byMember)
    }

    /// Published measures beside England, region and the statistical neighbours' median (the same
    /// statistic as `indicators.csv` and the report: one outlying neighbour does not move it).
    func comparisons(_ unit: ReportingUnit, record: TidyRecord) -> [Comparison] {
        let now = yearFigures[unit]!
        let eng = figures.england[year]
        let reg = figures.regions[year]?[record.regionCode]
        let peers = neighbourUnits(unit).compactMap { yearFigures[$0] }
        return Comparison.measures.map { indicator in
            let r = indicator.definition.ratio!
            let values = peers.compactMap { r.value($0) }
            return Comparison(measure: indicator.rawValue, value: r.value(now), england: eng.flatMap { r.value($0) },
                              region: reg.flatMap { r.value($0) },
                              neighboursMedian: values.isEmpty ? nil : RobustScale.median(values),
                              neighboursCount: values.count)
        }
    }
}
