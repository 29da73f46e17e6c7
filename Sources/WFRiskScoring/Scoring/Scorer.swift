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
    public static let methodologyVersion = "2.1.0"

    /// Scores and ranks.
    public static func score(_ input: ScoringInput, figures: FigureTable? = nil) throws -> ScoreTable {
        var table = try scoreUnranked(input, figures: figures)
        Ranking.rank(&table, blend: input.settings.blend)
        return table
    }

    /// Scores every unit without ranking (the pipeline's `score` stage; `Ranking.rank` follows).
    /// `figures`, when given, must be built from `input.workforce` (a series shares one).
    package static func scoreUnranked(_ input: ScoringInput, figures: FigureTable? = nil) throws -> ScoreTable {
        try ScoringContext(input, figures: figures ?? FigureTable(input.workforce)).run()
    }

    /// Scores and ranks a year of a series (`history.csv`): the same scores, ranks, bands and
    /// coverage as `score`, without what only the scoring year shows (comparators, notes,
    /// indicator ranks, sampling noise, drivers), and kept as `YearScores`.
    static func scoreHistoryYear(_ input: ScoringInput, figures: FigureTable) throws -> YearScores {
        var table = try ScoringContext(input, figures: figures, detail: .history).run()
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
    let sources: Set<IndicatorSource>
    let figures: FigureTable
    let demand: DemandLookup?
    /// England's prior (a proportion) for each indicator in the scoring year, by ordinal.
    let priors: [Double?]
    /// England's priors in each year the trend and change indicators look back over, by ordinal.
    let priorsByYear: [Int: [Double?]]
    /// Each indicator's weight, by ordinal.
    let weightOf: [Double]
    /// Per score (`ScoreKind.ordinal`): its indicators this run has a source for, and those of them with weight.
    let listed: [[Indicator]]
    let weighted: [[Indicator]]
    let detail: ScoringDetail

    init(_ input: ScoringInput, figures: FigureTable, detail: ScoringDetail = .full) throws {
        self.input = input
        self.detail = detail
        settings = input.settings
        guard let year = settings.year ?? input.workforce.latestYear else {
            throw WFRiskError.input(InputProblem(file: input.workforce.files.map(\.path).joined(separator: ", "),
                                                 message: "no local-authority rows to score"))
        }
        self.year = year
        units = figures.records[year] ?? input.workforce.localAuthorities(in: year)
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
            demand = DemandLookup(dataset: d, registry: input.registry, priorChildren: input.settings.priorChildren, year: year)
        } else {
            demand = nil
        }
        priors = Indicator.allCases.map { Self.prior($0, year: year, figures: figures) }
        var byYear: [Int: [Double?]] = [year: priors]
        for y in (year - max(2, settings.trendYears) + 1)..<year {
            byYear[y] = Indicator.allCases.map { Self.prior($0, year: y, figures: figures) }
        }
        priorsByYear = byYear
        let settings = settings, sources = s
        weightOf = Indicator.allCases.map { settings.weight($0) }
        listed = ScoreKind.allCases.map { Indicator.indicators(for: $0).filter { sources.contains($0.source) } }
        weighted = listed.map { $0.filter { settings.weight($0) > 0 } }
    }

    // MARK: England

    /// England's prior for `indicator` in `y` (cached over the look-back years).
    func prior(_ indicator: Indicator, in y: Int) -> Double? {
        if let cached = priorsByYear[y] { return cached[indicator.ordinal] }
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
        let keys = units.keys.sorted()
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
        // Standardise each indicator across the units that have a value for it.
        var references: [StandardisationReference] = []
        for indicator in Indicator.allCases where sources.contains(indicator.source) {
            if indicator.source == .inspections {
                // Inspection concern is already on a fixed scale (-1 … 1): full concern is the clamp.
                references.append(StandardisationReference(indicator: indicator, median: 0, scale: 1 / settings.zClamp, scaleMethod: "fixed", count: 0))
                for u in rows.indices {
                    guard let x = rows[u][indicator]?.adjusted else { continue }
                    rows[u][indicator]!.z = min(settings.zClamp, max(-settings.zClamp, x * settings.zClamp))
                    references[references.count - 1].count += 1
                }
                continue
            }
            let values = rows.compactMap { $0[indicator]?.adjusted }
            guard values.count >= 3 else {
                if settings.weight(indicator) > 0 {
                    warnings.append("\(indicator.rawValue): only \(values.count) unit(s) have a value; not standardised")
                }
                continue
            }
            let (median, scale, method) = RobustScale.estimate(values)
            references.append(StandardisationReference(indicator: indicator, median: median, scale: scale, scaleMethod: method, count: values.count))
            for u in rows.indices {
                guard let x = rows[u][indicator]?.adjusted else { continue }
                let z = scale > 0 ? indicator.direction * (x - median) / scale : 0
                rows[u][indicator]!.z = min(settings.zClamp, max(-settings.zClamp, z))
            }
        }
        // Indicator ranks: 1 = most risk, equal adjusted values share a rank.
        var counts = [Int](repeating: 0, count: Indicator.allCases.count)
        for indicator in Indicator.allCases where detail == .full && sources.contains(indicator.source) {
            let order = rows.indices.compactMap { u in rows[u][indicator]?.adjusted.map { (u, indicator.direction * $0) } }
                .sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }
            counts[indicator.ordinal] = order.count
            var rank = 0
            var previous: Double?
            for (position, (u, v)) in order.enumerated() {
                if v != previous { rank = position + 1; previous = v }
                rows[u][indicator]!.rank = rank
            }
        }
        let scored: [UnitScore] = keys.indices.map { u in
            assemble(keys[u], results: rows[u], notes: notes[u])
        }
        var table = ScoreTable(year: year, units: scored, references: references,
                               englandPriors: detail == .full ? listedPriors : [], sources: sources, warnings: warnings)
        guard detail == .full else { return table }
        table.indicatorCounts = counts
        table.englandValues = Indicator.allCases.map { comparatorValue($0, figures.england[year], previous: figures.england[year - 1], area: nil) }
        var regions: [String: [Double?]] = [:]
        for (code, f) in figures.regions[year] ?? [:] {
            regions[code] = Indicator.allCases.map { comparatorValue($0, f, previous: figures.regions[year - 1]?[code], area: code) }
        }
        table.regionValues = regions
        return table
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

    /// Every applicable indicator of one unit, each evaluated from its definition.
    func indicatorValues(_ unit: ReportingUnit, notes: inout [String]) -> IndicatorResults {
        let now = figures.units[year]![unit]!
        let k = settings.priorFTE
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
            notes.append("small unit: \(Decimals.format(inpost, 1)) FTE in post; rates shrunk toward England (prior \(Decimals.format(k, 0)) FTE)")
        }
        // The year before, across boundary changes where comparable.
        let before = figures.figures(unit, year - 1, registry: input.registry)
        if detail == .full, let (_, comparability) = before {
            switch comparability {
            case .same: break
            case .equivalent(let label): notes.append("\(year - 1) figures are those of \(label)")
            case .approximate(let label): notes.append("\(year - 1) rates are those of \(label) (boundary change; counts not compared)")
            }
        }
        for d in IndicatorDefinition.all where sources.contains(d.indicator.source) {
            let i = d.indicator
            switch d.formula {
            case .ratio(let r):
                // Worded only when a value is missing.
                func missing() -> String { reason(r.measures + (r.publishedMeasure.map { [$0] } ?? [])) }
                if let adjusted = r.adjusted(now, prior: priors[i.ordinal], k: k) {
                    put(i, r.value(now), adjusted, caveat: r.caveat?(now))
                    if noise { out[i]!.sd = r.noise.sd(adjusted: adjusted, denominator: r.denominator(now, nil), k: k, scale: r.scale, figures: now) }
                } else if r.publishedFallback, let published = r.published?(now) {
                    put(i, published, published, caveat: "published rate used unadjusted (\(missing()))")
                    // No denominator: as uncertain as a unit with none.
                    if noise { out[i]!.sd = r.noise.sd(adjusted: published, denominator: 0, k: k, scale: r.scale, figures: now) }
                } else {
                    put(i, r.publishedFallback ? nil : r.value(now), nil, missing())
                }
            case .change(let r):
                guard let (previous, comparability) = before else { put(i, nil, nil, "no \(year - 1) figures"); continue }
                if case .approximate(let label) = comparability {
                    put(i, nil, nil, "boundary change: \(year - 1) area (\(label)) differs")
                } else if r.numerator(now, previous) != nil, let d = r.denominator(now, previous) {
                    let adjusted = r.adjusted(now, previous, prior: priors[i.ordinal], k: k)
                    put(i, r.computed(now, previous), adjusted,
                        d > 0 ? nil : "not computable (\(r.zeroDenominator?(year - 1) ?? "zero denominator"))")
                    if noise { out[i]!.sd = adjusted.map { r.noise.sd(adjusted: $0, denominator: d, k: k, scale: r.scale, figures: now) } }
                } else {
                    put(i, nil, nil, reason(r.measures))
                }
            case .difference(let base):
                let r = base.definition.ratio!
                if let (previous, _) = before, let current = r.adjusted(now, prior: priors[base.ordinal], k: k),
                   let previousAdjusted = r.adjusted(previous, prior: prior(base, in: year - 1) ?? priors[base.ordinal], k: k) {
                    put(i, r.value(now).flatMap { c in r.value(previous).map { c - $0 } }, current - previousAdjusted)
                    guard noise else { continue }
                    // Two years' independent noise.
                    let sdNow = r.noise.sd(adjusted: current, denominator: r.denominator(now, nil), k: k, scale: r.scale, figures: now)
                    let sdBefore = r.noise.sd(adjusted: previousAdjusted, denominator: r.denominator(previous, nil), k: k, scale: r.scale, figures: previous)
                    out[i]!.sd = (sdNow * sdNow + sdBefore * sdBefore).squareRoot()
                } else {
                    put(i, nil, nil, before == nil ? "no \(year - 1) figures" : reason(r.measures))
                }
            case .trend(let components, let named):
                if let trend = trend(unit, of: components, now: now, before: before?.0) {
                    put(i, trend, trend)
                    guard noise else { continue }
                    // Slope of the window's points, each as noisy as the year's sum of components.
                    let variance = components.reduce(0.0) { acc, c in
                        let sd = c.definition.ratio.flatMap { r in
                            r.adjusted(now, prior: priors[c.ordinal], k: k).map { r.noise.sd(adjusted: $0, denominator: r.denominator(now, nil), k: k, scale: r.scale, figures: now) }
                        } ?? 0
                        return acc + sd * sd
                    }
                    let n = Double(settings.trendYears)
                    let sxx = n * (n * n - 1) / 12
                    out[i]!.sd = (variance / sxx).squareRoot()
                } else {
                    put(i, nil, nil, "fewer than 2 of the last \(settings.trendYears) years have \(named)")
                }
            case .external:
                switch i.source {
                case .demand:
                    guard let demand else { continue }
                    let result = i == .cinRate ? demand.rate(unit, count: .cinCount, rate: .cinRate)
                                               : demand.rate(unit, count: .referralCount, rate: .referralRate)
                    put(i, result.value, result.adjusted, result.note, caveat: result.note)
                    if noise, let a = result.adjusted {
                        out[i]!.sd = SamplingNoise.proportion.sd(adjusted: a, denominator: result.children, k: settings.priorChildren, scale: 10_000, figures: now)
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
        // Sampling noise only where there is a finite adjusted value to move.
        for i in Indicator.allCases {
            guard var r = out[i], let sd = r.sd else { continue }
            if r.adjusted == nil || !sd.isFinite || sd >= 1e15 { r.sd = nil; out[i] = r }
        }
        return out
    }

    /// Least-squares slope, in points per year, of the sum of `components`' adjusted values over
    /// the trend window (predecessors' rates stand in across a boundary change).
    /// `now` and `before` are the unit's figures this year and last (already looked up).
    func trend(_ unit: ReportingUnit, of components: [Indicator], now: WorkforceFigures, before: WorkforceFigures?) -> Double? {
        var points: [(Double, Double)] = []
        let k = settings.priorFTE
        for y in (year - settings.trendYears + 1)...year {
            guard figures.england[y] != nil,
                  let f = y == year ? now : y == year - 1 ? before : figures.figures(unit, y, registry: input.registry)?.0 else { continue }
            var sum = 0.0
            var complete = true
            for c in components {
                guard let a = c.definition.ratio!.adjusted(f, prior: prior(c, in: y), k: k) else { complete = false; break }
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
        // Looked up only where the file's own codes and names fall short (and for the note).
        func members() -> [Authority?] { unit.memberCodes.map { registry.authority(oldCode: $0) } }
        if full, members().contains(where: { $0 == nil }) {
            notes.append("not in the authority registry: scored under the codes the file gives")
        }
        if full, unit.isJoint {
            notes.append("joint return: \(record.publishedName.isEmpty ? unit.key : record.publishedName) report together")
        }
        if full { notes += record.notes }
        func component(_ kind: ScoreKind) -> ComponentScore {
            let applicable = weighted[kind.ordinal]
            let total = applicable.reduce(0) { $0 + weightOf[$1.ordinal] }
            let presentWeight = applicable.reduce(0) { results[$1]?.z != nil ? $0 + weightOf[$1.ordinal] : $0 }
            let coverage = total > 0 ? presentWeight / total : 0
            var list = listed[kind.ordinal].compactMap { results[$0] }
            var value: Double?
            if coverage + 1e-9 >= settings.minCoverage, presentWeight > 0 {
                let pointsPerZ = 50 / settings.zClamp
                var sum = 0.0
                for i in list.indices {
                    guard let z = list[i].z, list[i].weight > 0 else { continue }
                    let c = pointsPerZ * list[i].weight * z / presentWeight
                    list[i].contribution = c
                    sum += c
                }
                value = min(100, max(0, 50 + sum))
            }
            return ComponentScore(kind: kind, value: value, coverage: coverage, indicators: list, rank: nil)
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
        var unitScore = UnitScore(
            unit: unit, year: year,
            oldCode: record.publishedOldCode.isEmpty ? unit.key : record.publishedOldCode,
            newCode: record.publishedNewCode.isEmpty ? members().compactMap { $0?.newCode }.joined(separator: " / ") : record.publishedNewCode,
            name: record.publishedName.isEmpty ? members().compactMap { $0?.name }.joined(separator: " / ") : record.publishedName,
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

    /// The unit's statistical neighbours among the scoring year's units, in the file's order.
    func neighbourUnits(_ unit: ReportingUnit) -> [ReportingUnit] {
        guard let sn = input.neighbours, let byMember = figures.unitByMember[year] else { return [] }
        return sn.neighbours(of: unit, among: byMember)
    }

    /// Published measures beside England, region and statistical-neighbour mean.
    func comparisons(_ unit: ReportingUnit, record: TidyRecord) -> [Comparison] {
        let now = figures.units[year]![unit]!
        let eng = figures.england[year]
        let reg = figures.regions[year]?[record.regionCode]
        let peers = neighbourUnits(unit).compactMap { figures.units[year]![$0] }
        return Comparison.measures.map { indicator in
            let r = indicator.definition.ratio!
            let values = peers.compactMap { r.value($0) }
            return Comparison(measure: indicator.rawValue, value: r.value(now), england: eng.flatMap { r.value($0) },
                              region: reg.flatMap { r.value($0) },
                              neighboursMean: values.isEmpty ? nil : values.reduce(0, +) / Double(values.count),
                              neighboursCount: values.count)
        }
    }
}
