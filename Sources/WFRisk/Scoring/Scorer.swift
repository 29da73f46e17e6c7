import Foundation

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

/// How far a unit's figures for an earlier year can be compared with its current ones.
enum Comparability: Equatable {
    case same
    /// Predecessors covering exactly the unit's area (Northamptonshire for 940 / 941).
    case equivalent(String)
    /// Predecessors covering a different area (Cumbria for Cumberland): rates only.
    case approximate(String)
}

/// Computes the instability and caseload-risk scores for one year (methodology: docs/methodology.md).
public enum Scorer {
    public static let methodologyVersion = "2.0.0"

    /// Scores and ranks.
    public static func score(_ input: ScoringInput) throws -> ScoreTable {
        var table = try scoreUnranked(input)
        Ranking.rank(&table, blend: input.settings.blend)
        return table
    }

    /// Scores every unit without ranking (the pipeline's `score` stage; `Ranking.rank` follows).
    public static func scoreUnranked(_ input: ScoringInput) throws -> ScoreTable {
        try ScoringContext(input).run()
    }
}

/// The working state of one scoring pass.
struct ScoringContext {
    let input: ScoringInput
    let settings: ScoringSettings
    let year: Int
    let units: [ReportingUnit: TidyRecord]
    let sources: Set<IndicatorSource>
    /// Computed once per pass: England per year, regions of the scoring year, units by member code.
    let englandByYear: [Int: WorkforceFigures]
    let regionsNow: [String: WorkforceFigures]
    let unitByMember: [String: ReportingUnit]
    let demand: DemandLookup?

    init(_ input: ScoringInput) throws {
        self.input = input
        settings = input.settings
        guard let year = settings.year ?? input.workforce.latestYear else {
            throw WFRiskError.input(InputProblem(file: input.workforce.files.map(\.path).joined(separator: ", "),
                                                 message: "no local-authority rows to score"))
        }
        self.year = year
        units = input.workforce.localAuthorities(in: year)
        guard !units.isEmpty else {
            let have = input.workforce.years.map(String.init).joined(separator: ", ")
            throw WFRiskError.usage("no local-authority rows for scoring year \(year); the workforce data has years: \(have)")
        }
        var s: Set<IndicatorSource> = [.workforce]
        if input.demand != nil { s.insert(.demand) }
        if input.inspections != nil { s.insert(.inspections) }
        sources = s
        var england: [Int: WorkforceFigures] = [:]
        for y in (year - max(settings.trendYears, 2))...year {
            if let r = input.workforce.national(year: y) {
                england[y] = WorkforceFigures(record: r)
            } else {
                let las = input.workforce.localAuthorities(in: y).keys.sorted().map { WorkforceFigures(record: input.workforce.localAuthorities(in: y)[$0]!) }
                if !las.isEmpty { england[y] = WorkforceFigures.pooled(las) }
            }
        }
        englandByYear = england
        var regions: [String: WorkforceFigures] = [:]
        let now = units
        let byRegion = Dictionary(grouping: now.keys.sorted(), by: { now[$0]!.regionCode })
        for (code, members) in byRegion {
            if let r = input.workforce.regional(code: code, year: year) {
                regions[code] = WorkforceFigures(record: r)
            } else {
                regions[code] = WorkforceFigures.pooled(members.map { WorkforceFigures(record: now[$0]!) })
            }
        }
        regionsNow = regions
        var members: [String: ReportingUnit] = [:]
        for u in now.keys { for m in u.memberCodes { members[m] = u } }
        unitByMember = members
        if let d = input.demand {
            demand = DemandLookup(dataset: d, registry: input.registry, priorChildren: input.settings.priorChildren, year: year)
        } else {
            demand = nil
        }
    }

    // MARK: Figures and history

    func england(_ year: Int) -> WorkforceFigures? { englandByYear[year] }

    /// The unit's figures in `year`, falling back to its predecessors' across a boundary change.
    func figures(_ unit: ReportingUnit, _ year: Int) -> (WorkforceFigures, Comparability)? {
        if let r = input.workforce.record(unit, year: year) { return (WorkforceFigures(record: r), .same) }
        let registry = input.registry
        let predecessors = registry.predecessors(of: unit)
        guard !predecessors.isEmpty else { return nil }
        let thatYear = input.workforce.localAuthorities(in: year)
        var found: [ReportingUnit: TidyRecord] = [:]
        for p in predecessors {
            if let (u, r) = thatYear.first(where: { $0.key.memberCodes.contains(p.oldCode) }) { found[u] = r }
        }
        guard !found.isEmpty else { return nil }
        let names = found.keys.sorted().map { u in u.memberCodes.map { registry.authority(oldCode: $0)?.name ?? $0 }.joined(separator: " / ") }
        let successorSet = Set(found.keys.flatMap(\.memberCodes).flatMap { registry.authority(oldCode: $0)?.successors ?? [] })
        let pooled = WorkforceFigures.pooled(found.keys.sorted().map { WorkforceFigures(record: found[$0]!) })
        let label = names.joined(separator: " + ")
        if successorSet == Set(unit.memberCodes) { return (pooled, .equivalent(label)) }
        return (pooled, .approximate(label))
    }

    // MARK: Run

    func run() -> ScoreTable {
        var warnings: [String] = []
        guard let englandNow = england(year) else {
            return ScoreTable(year: year, units: [], references: [], englandPriors: [], sources: sources, warnings: ["no England figures for \(year)"])
        }
        let priors = EnglandPriors(current: englandNow, previous: england(year - 1), context: self)
        let keys = units.keys.sorted()
        // Per unit, in `keys` order (positions, not unit hashes, on the per-indicator passes).
        var rows: [IndicatorResults] = []
        var notes: [[String]] = []
        rows.reserveCapacity(keys.count)
        notes.reserveCapacity(keys.count)
        for unit in keys {
            var unitNotes: [String] = []
            rows.append(indicatorValues(unit, priors: priors, notes: &unitNotes))
            notes.append(unitNotes)
        }
        // Standardise each indicator across the units that have a value for it.
        var references: [StandardisationReference] = []
        for indicator in Indicator.allCases where sources.contains(indicator.source) {
            if indicator.source == .inspections {
                // Inspection concern is already on a fixed scale (-1 … 1): full concern is the clamp.
                references.append(StandardisationReference(indicator: indicator, median: 0, scale: 1 / settings.zClamp, scaleMethod: "fixed", count: 0))
                for u in rows.indices {
                    guard var result = rows[u][indicator], let x = result.adjusted else { continue }
                    result.z = min(settings.zClamp, max(-settings.zClamp, x * settings.zClamp))
                    rows[u][indicator] = result
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
                guard var result = rows[u][indicator], let x = result.adjusted else { continue }
                let z = scale > 0 ? indicator.direction * (x - median) / scale : 0
                result.z = min(settings.zClamp, max(-settings.zClamp, z))
                rows[u][indicator] = result
            }
        }
        let scored: [UnitScore] = keys.indices.map { u in
            assemble(keys[u], results: rows[u], notes: notes[u], priors: priors)
        }
        return ScoreTable(year: year, units: scored, references: references,
                          englandPriors: priors.listed, sources: sources, warnings: warnings)
    }

    // MARK: Indicators

    func indicatorValues(_ unit: ReportingUnit, priors: EnglandPriors, notes: inout [String]) -> IndicatorResults {
        let record = units[unit]!
        let now = WorkforceFigures(record: record)
        let k = settings.priorFTE
        var out = IndicatorResults()
        /// `missing` explains an absent value; `caveat` qualifies a present one.
        func put(_ i: Indicator, _ value: Double?, _ adjusted: Double?, _ missing: String? = nil, caveat: String? = nil) {
            out[i] = IndicatorResult(indicator: i, value: value, adjusted: adjusted, z: nil, contribution: nil,
                                     weight: settings.weight(i), note: adjusted == nil ? (missing ?? "missing") : caveat)
        }
        func reason(_ measures: Measure...) -> String {
            let rs = measures.compactMap { m in now.missingReasons[m].map { "\(m.rawValue): \($0)" } }
            return rs.isEmpty ? "not computable (zero denominator)" : rs.joined(separator: "; ")
        }
        /// (numerator + k·prior) / (denominator + k): small units are pulled toward England.
        func shrink(_ numerator: Double?, _ denominator: Double?, prior: Double?, scale: Double = 100) -> Double? {
            guard let n = numerator, let d = denominator, d > 0 else { return nil }
            guard let p = prior else { return scale * n / d }
            return scale * (n + k * p) / (d + k)
        }

        let n = now.inpost
        if let inpost = n, inpost < settings.smallUnitFTE {
            notes.append("small unit: \(Decimals.format(inpost, 1)) FTE in post; rates shrunk toward England (prior \(Decimals.format(k, 0)) FTE)")
        }
        /// Shrunk from counts when they are there; otherwise the published rate, unadjusted, with a note.
        func rate(_ i: Indicator, published: Double?, numerator: Double?, denominator: Double?, prior: Double?, missing: String) {
            if let adjusted = shrink(numerator, denominator, prior: prior) {
                put(i, published ?? (denominator! > 0 ? 100 * numerator! / denominator! : nil), adjusted)
            } else if let published {
                put(i, published, published, caveat: "published rate used unadjusted (\(missing))")
            } else {
                put(i, nil, nil, missing)
            }
        }
        // Turnover: leavers / in post.
        rate(.turnoverRate, published: now.turnoverRate, numerator: now.leavers, denominator: n, prior: priors.turnover,
             missing: reason(.leaversFTE, .inpostFTE, .turnoverRateFTE))
        // Agency: agency / (agency + in post).
        rate(.agencyRate, published: now.agencyRate, numerator: now.agency, denominator: now.agency.flatMap { a in n.map { a + $0 } },
             prior: priors.agency, missing: reason(.agencyFTE, .inpostFTE, .agencyRateFTE))
        // Vacancy: vacancies / (vacancies + in post).
        rate(.vacancyRate, published: now.vacancyRate, numerator: now.vacancies, denominator: now.vacancies.flatMap { v in n.map { v + $0 } },
             prior: priors.vacancy, missing: reason(.vacancyFTE, .inpostFTE, .vacancyRateFTE))
        // Absence: published rate, weighted toward England by in-post FTE.
        rate(.absenceRate, published: now.absenceRate, numerator: now.absenceRate.flatMap { r in n.map { r * $0 / 100 } }, denominator: n,
             prior: priors.absence.map { $0 / 100 }, missing: reason(.absenceRateFTE, .inpostFTE))
        // Net loss: (leavers − starters) / in post.
        let netValue = now.leavers.flatMap { l in now.starters.flatMap { s in n.flatMap { $0 > 0 ? 100 * (l - s) / $0 : nil } } }
        put(.netLossRate, netValue, shrink(now.leavers.flatMap { l in now.starters.map { l - $0 } }, n, prior: priors.netLoss), reason(.leaversFTE, .startersFTE, .inpostFTE))

        // Year-on-year and trend, across boundary changes where comparable.
        let before = figures(unit, year - 1)
        var change: (Double?, Double?, String?) = (nil, nil, "no \(year - 1) figures")
        if let (prev, comparability) = before {
            switch comparability {
            case .approximate(let label):
                change = (nil, nil, "boundary change: \(year - 1) area (\(label)) differs")
            case .same, .equivalent:
                if let a = n, let b = prev.inpost {
                    change = (b > 0 ? 100 * (a - b) / b : nil, shrink(a - b, b, prior: priors.inpostGrowth),
                              b > 0 ? nil : "not computable (no staff in post in \(year - 1))")
                } else {
                    change = (nil, nil, reason(.inpostFTE))
                }
                if case .equivalent(let label) = comparability {
                    notes.append("\(year - 1) figures are those of \(label)")
                }
            }
            if case .approximate(let label) = comparability {
                notes.append("\(year - 1) rates are those of \(label) (boundary change; counts not compared)")
            }
        }
        put(.inpostChange, change.0, change.1, change.2)
        put(.instabilityTrend, nil, nil)
        if let trend = instabilityTrend(unit, priors: priors) {
            out[.instabilityTrend] = IndicatorResult(indicator: .instabilityTrend, value: trend, adjusted: trend, z: nil, contribution: nil,
                                                     weight: settings.weight(.instabilityTrend), note: nil)
        } else {
            out[.instabilityTrend]!.note = "fewer than 2 of the last \(settings.trendYears) years have turnover, agency and vacancy"
        }

        // Caseload.
        let caseloadAdjusted = shrink(now.cases, now.caseHolders, prior: priors.caseload, scale: 1)
        put(.caseload, now.caseload, caseloadAdjusted, reason(.cases, .caseHoldersFTE, .caseloadFTE))
        if let (prev, _) = before, let current = caseloadAdjusted,
           let previousAdjusted = shrink(prev.cases, prev.caseHolders, prior: priors.previousCaseload ?? priors.caseload, scale: 1) {
            let raw = now.caseload.flatMap { c in prev.caseload.map { c - $0 } }
            put(.caseloadChange, raw, current - previousAdjusted)
        } else {
            put(.caseloadChange, nil, nil, before == nil ? "no \(year - 1) figures" : reason(.cases, .caseHoldersFTE))
        }
        put(.casesPerInpost, now.cases.flatMap { c in n.flatMap { $0 > 0 ? c / $0 : nil } },
            shrink(now.cases, n, prior: priors.casesPerInpost, scale: 1), reason(.cases, .inpostFTE))
        // Vacancy pressure: vacancies not covered by agency staff, as a share of posts.
        if let v = now.vacancies, let inpost = n, v + inpost > 0 {
            let cover = (now.vacancyAgencyCoverRate ?? 0) / 100
            let uncovered = v * max(0, 1 - cover)
            let raw = 100 * uncovered / (v + inpost)
            put(.vacancyPressure, raw, shrink(uncovered, v + inpost, prior: priors.vacancyPressure),
                caveat: now.vacancyAgencyCoverRate == nil ? "agency cover of vacancies not reported; all vacancies counted as uncovered" : nil)
        } else {
            put(.vacancyPressure, nil, nil, reason(.vacancyFTE, .inpostFTE))
        }
        if let d = demand {
            let cin = d.rate(unit, count: .cinCount, rate: .cinRate)
            put(.cinRate, cin.value, cin.adjusted, cin.note, caveat: cin.note)
            let ref = d.rate(unit, count: .referralCount, rate: .referralRate)
            put(.referralRate, ref.value, ref.adjusted, ref.note, caveat: ref.note)
        }
        if let inspections = input.inspections {
            let evidence = inspections[unit]
            put(.inspectionInstability, evidence?.instabilityConcern, evidence?.instabilityConcern, "no inspection text in window")
            put(.inspectionCaseload, evidence?.caseloadConcern, evidence?.caseloadConcern, "no inspection text in window")
        }
        return out
    }

    /// Least-squares slope, in points per year, of adjusted turnover + agency + vacancy
    /// over the trend window (predecessors' rates stand in across a boundary change).
    func instabilityTrend(_ unit: ReportingUnit, priors: EnglandPriors) -> Double? {
        var points: [(Double, Double)] = []
        let k = settings.priorFTE
        for y in (year - settings.trendYears + 1)...year {
            guard let (f, _) = figures(unit, y), let eng = england(y), let n = f.inpost else { continue }
            func adj(_ num: Double?, _ den: Double?, _ p: Double?) -> Double? {
                guard let a = num, let d = den, d > 0 else { return nil }
                return 100 * (a + k * (p ?? a / d)) / (d + k)
            }
            let pT = eng.leavers.flatMap { l in eng.inpost.map { l / $0 } }
            let pA = eng.agency.flatMap { a in eng.inpost.map { a / (a + $0) } }
            let pV = eng.vacancies.flatMap { v in eng.inpost.map { v / (v + $0) } }
            guard let t = adj(f.leavers, n, pT),
                  let a = adj(f.agency, f.agency.map { $0 + n }, pA),
                  let v = adj(f.vacancies, f.vacancies.map { $0 + n }, pV) else { continue }
            points.append((Double(y), t + a + v))
        }
        guard points.count >= 2, points.last?.0 == Double(year) else { return nil }
        let mx = points.reduce(0) { $0 + $1.0 } / Double(points.count)
        let my = points.reduce(0) { $0 + $1.1 } / Double(points.count)
        let sxy = points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return sxx > 0 ? sxy / sxx : nil
    }

    // MARK: Assembly

    func assemble(_ unit: ReportingUnit, results: IndicatorResults, notes: [String], priors: EnglandPriors) -> UnitScore {
        let record = units[unit]!
        let registry = input.registry
        var notes = notes
        let members = unit.memberCodes.map { registry.authority(oldCode: $0) }
        if members.contains(where: { $0 == nil }) {
            notes.append("not in the authority registry: scored under the codes the file gives")
        }
        if unit.isJoint {
            notes.append("joint return: \(record.publishedName.isEmpty ? unit.key : record.publishedName) report together")
        }
        func component(_ kind: ScoreKind) -> ComponentScore {
            let applicable = Indicator.indicators(for: kind).filter { sources.contains($0.source) && settings.weight($0) > 0 }
            let total = applicable.reduce(0) { $0 + settings.weight($1) }
            let present = applicable.filter { results[$0]?.z != nil }
            let presentWeight = present.reduce(0) { $0 + settings.weight($1) }
            let coverage = total > 0 ? presentWeight / total : 0
            var list = Indicator.indicators(for: kind).filter { sources.contains($0.source) }.compactMap { results[$0] }
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
        return UnitScore(
            unit: unit, year: year,
            oldCode: record.publishedOldCode.isEmpty ? unit.key : record.publishedOldCode,
            newCode: record.publishedNewCode.isEmpty ? members.compactMap { $0?.newCode }.joined(separator: " / ") : record.publishedNewCode,
            name: record.publishedName.isEmpty ? members.compactMap { $0?.name }.joined(separator: " / ") : record.publishedName,
            regionCode: region, regionName: record.regionName,
            instability: instability, caseloadRisk: caseload, overall: nil, overallRank: nil, band: nil,
            coverage: coverage, comparisons: comparisons(unit, record: record), notes: notes,
            exclusionReason: exclusion, inspection: input.inspections?[unit],
            judgementInForce: input.judgements?.inForce(unit, year: year, registry: registry))
    }

    /// Published measures beside England, region and statistical-neighbour mean.
    func comparisons(_ unit: ReportingUnit, record: TidyRecord) -> [Comparison] {
        let now = WorkforceFigures(record: record)
        let eng = england(year)
        let reg = regionsNow[record.regionCode]
        var peers: [WorkforceFigures] = []
        if let sn = input.neighbours {
            peers = sn.neighbours(of: unit, among: unitByMember).compactMap { units[$0].map(WorkforceFigures.init(record:)) }
        }
        let measures: [(String, KeyPath<WorkforceFigures, Double?>)] = [
            ("turnover_rate_fte", \.turnoverRate), ("agency_rate_fte", \.agencyRate), ("vacancy_rate_fte", \.vacancyRate),
            ("absence_rate_fte", \.absenceRate), ("caseload_fte", \.caseload),
        ]
        return measures.map { name, path in
            let values = peers.compactMap { $0[keyPath: path] }
            return Comparison(measure: name, value: now[keyPath: path], england: eng?[keyPath: path], region: reg?[keyPath: path],
                              neighboursMean: values.isEmpty ? nil : values.reduce(0, +) / Double(values.count),
                              neighboursCount: values.count)
        }
    }
}

/// England's rates in the scoring year: the targets small units are shrunk toward.
struct EnglandPriors {
    var turnover, agency, vacancy, absence, netLoss, inpostGrowth, caseload, previousCaseload, casesPerInpost, vacancyPressure: Double?

    init(current e: WorkforceFigures, previous p: WorkforceFigures?, context: ScoringContext) {
        func ratio(_ a: Double?, _ b: Double?) -> Double? {
            guard let a, let b, b > 0 else { return nil }
            return a / b
        }
        turnover = ratio(e.leavers, e.inpost)
        agency = ratio(e.agency, e.agency.flatMap { a in e.inpost.map { a + $0 } })
        vacancy = ratio(e.vacancies, e.vacancies.flatMap { v in e.inpost.map { v + $0 } })
        absence = e.absenceRate
        netLoss = ratio(e.leavers.flatMap { l in e.starters.map { l - $0 } }, e.inpost)
        inpostGrowth = ratio(e.inpost.flatMap { a in p?.inpost.map { a - $0 } }, p?.inpost)
        caseload = ratio(e.cases, e.caseHolders)
        previousCaseload = ratio(p?.cases, p?.caseHolders)
        casesPerInpost = ratio(e.cases, e.inpost)
        if let v = e.vacancies, let n = e.inpost, v + n > 0 {
            vacancyPressure = v * max(0, 1 - (e.vacancyAgencyCoverRate ?? 0) / 100) / (v + n)
        }
    }

    var listed: [(String, Double)] {
        let all: [(String, Double?)] = [
            ("turnover_rate", turnover), ("agency_rate", agency), ("vacancy_rate", vacancy), ("absence_rate_pct", absence),
            ("net_loss_rate", netLoss), ("inpost_growth", inpostGrowth), ("caseload", caseload),
            ("previous_caseload", previousCaseload), ("cases_per_inpost", casesPerInpost), ("vacancy_pressure", vacancyPressure),
        ]
        return all.compactMap { name, v in v.map { (name, $0) } }
    }
}
