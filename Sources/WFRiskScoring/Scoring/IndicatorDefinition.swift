import WFRiskIngest

/// A ratio of a unit's workforce figures: `scale × numerator / denominator`. The same ratio of
/// England's figures is the prior it is shrunk toward (docs/methodology.md §3–4). A class, so
/// reading a definition per unit and year shares it instead of copying its closures.
final class FigureRatio: Sendable {
    /// Numerator from the year's figures and, for a change, the previous year's.
    let numerator: @Sendable (_ now: WorkforceFigures, _ previous: WorkforceFigures?) -> Double?
    let denominator: @Sendable (_ now: WorkforceFigures, _ previous: WorkforceFigures?) -> Double?
    /// 100 for percentages, 1 for cases per FTE.
    let scale: Double
    /// The figure DfE publishes for it, when it publishes one.
    let published: (@Sendable (WorkforceFigures) -> Double?)?
    /// With counts missing, use the published figure unadjusted (with a note) rather than nothing.
    let publishedFallback: Bool
    /// Measures of the counts whose missing-value symbols explain a missing result.
    let measures: [Measure]
    /// The published figure's own measure (explains a missing result after the counts).
    let publishedMeasure: Measure?
    /// Why a zero denominator leaves no value, given the previous year (changes only).
    let zeroDenominator: (@Sendable (Int) -> String)?
    /// A note on a present value (e.g. an assumption the figures forced).
    let caveat: (@Sendable (WorkforceFigures) -> String?)?
    /// How much the ratio would vary by chance given its denominator.
    let noise: SamplingNoise

    init(_ numerator: @escaping @Sendable (WorkforceFigures) -> Double?, over denominator: @escaping @Sendable (WorkforceFigures) -> Double?,
         scale: Double, published: (@Sendable (WorkforceFigures) -> Double?)? = nil, publishedFallback: Bool = false,
         measures: [Measure], publishedMeasure: Measure? = nil, caveat: (@Sendable (WorkforceFigures) -> String?)? = nil) {
        self.numerator = { now, _ in numerator(now) }
        self.denominator = { now, _ in denominator(now) }
        self.scale = scale
        self.published = published
        self.publishedFallback = publishedFallback
        self.measures = measures
        self.publishedMeasure = publishedMeasure
        self.zeroDenominator = nil
        self.caveat = caveat
        self.noise = .proportion
    }

    /// A ratio across two years (the year's figures and the previous year's).
    init(change numerator: @escaping @Sendable (WorkforceFigures, WorkforceFigures?) -> Double?,
         over denominator: @escaping @Sendable (WorkforceFigures, WorkforceFigures?) -> Double?, scale: Double, measures: [Measure],
         zeroDenominator: @escaping @Sendable (Int) -> String) {
        self.numerator = numerator
        self.denominator = denominator
        self.scale = scale
        self.published = nil
        self.publishedFallback = false
        self.measures = measures
        self.publishedMeasure = nil
        self.zeroDenominator = zeroDenominator
        self.caveat = nil
        self.noise = .proportion
    }

    private init(_ r: FigureRatio, noise: SamplingNoise) {
        numerator = r.numerator
        denominator = r.denominator
        scale = r.scale
        published = r.published
        publishedFallback = r.publishedFallback
        measures = r.measures
        publishedMeasure = r.publishedMeasure
        zeroDenominator = r.zeroDenominator
        caveat = r.caveat
        self.noise = noise
    }

    /// The same ratio with another sampling-noise model.
    func noise(_ model: SamplingNoise) -> FigureRatio { FigureRatio(self, noise: model) }

    /// The ratio as a proportion (not scaled), or nil without a positive denominator.
    func proportion(_ now: WorkforceFigures, _ previous: WorkforceFigures? = nil) -> Double? {
        guard let n = numerator(now, previous), let d = denominator(now, previous), d > 0 else { return nil }
        return n / d
    }

    /// Computed from the counts (never the published figure).
    func computed(_ now: WorkforceFigures, _ previous: WorkforceFigures? = nil) -> Double? {
        guard let n = numerator(now, previous), let d = denominator(now, previous), d > 0 else { return nil }
        return scale * n / d
    }

    /// The value as published, or computed from the counts.
    func value(_ now: WorkforceFigures, _ previous: WorkforceFigures? = nil) -> Double? {
        if let published, let p = published(now) { return p }
        return computed(now, previous)
    }

    /// Shrunk toward `prior` (a proportion) with strength `k` in denominator units.
    func adjusted(_ now: WorkforceFigures, _ previous: WorkforceFigures? = nil, prior: Double?, k: Double) -> Double? {
        Shrinkage.adjusted(numerator(now, previous), denominator(now, previous), prior: prior, k: k, scale: scale)
    }
}

/// The sampling noise of a ratio given its denominator, on the adjusted value's scale (rank
/// intervals, docs/methodology.md §13).
enum SamplingNoise: Sendable {
    /// A share of the denominator (leavers of those in post): Beta posterior under the shrinkage prior,
    /// sd = scale × √(p̃(1 − p̃) / (denominator + k + 1)).
    case proportion
    /// Events per unit of the denominator (cases per case holder): Gamma–Poisson, sd = √(scale × λ̃ / (denominator + k)).
    case count
    /// A difference of event counts (leavers − starters): sd = scale × √(events) / (denominator + k).
    case events(@Sendable (WorkforceFigures) -> Double?)

    func sd(adjusted: Double, denominator: Double?, k: Double, scale: Double, figures: WorkforceFigures) -> Double {
        let d = max(0, denominator ?? 0)
        switch self {
        case .proportion:
            let p = min(1, max(0, adjusted / scale))
            return scale * (p * (1 - p) / (d + k + 1)).squareRoot()
        case .count:
            return (max(0, adjusted) * scale / max(1e-9, d + k)).squareRoot() / scale.squareRoot()
        case .events(let events):
            return scale * max(1, events(figures) ?? 1).squareRoot() / max(1e-9, d + k)
        }
    }
}

/// The one shrinkage of a ratio toward England's (docs/methodology.md §3).
enum Shrinkage {
    /// `scale × (numerator + k × prior) / (denominator + k)`; without a prior, the plain ratio;
    /// nil without a positive denominator.
    static func adjusted(_ numerator: Double?, _ denominator: Double?, prior: Double?, k: Double, scale: Double) -> Double? {
        guard let n = numerator, let d = denominator, d > 0 else { return nil }
        guard let p = prior else { return scale * n / d }
        return scale * (n + k * p) / (d + k)
    }
}

/// How an indicator's value is formed.
enum IndicatorFormula: Sendable {
    /// A ratio of the year's figures.
    case ratio(FigureRatio)
    /// A ratio over the year's and the previous year's figures; needs counts that compare
    /// (the same area), so not across an approximate boundary change.
    case change(FigureRatio)
    /// Another indicator's adjusted value this year minus the previous year (rates compare
    /// across approximate boundary changes).
    case difference(of: Indicator)
    /// Least-squares slope, per year, of the sum of other indicators' adjusted values over the
    /// trend window; `named` says which in a note when too few years have them.
    case trend(of: [Indicator], named: String)
    /// From an input other than the workforce figures (demand files, inspection texts).
    case external
}

/// Everything that defines an indicator: identity, direction, the figures it is a ratio of and
/// its scale. The value, England's prior, the trend, the outputs and the words all read it.
/// A class: scoring reads a definition per unit and year, and a reference is cheaper to pass
/// around than its closures.
final class IndicatorDefinition: Sendable {
    let indicator: Indicator
    /// +1 when a higher value means more risk; -1 when lower does (a shrinking workforce).
    let direction: Double
    let formula: IndicatorFormula
    /// Name of England's prior in `scores.json` → `england_priors`; nil when it has none.
    let priorName: String?
    /// The prior is listed in per cent rather than as a proportion.
    let priorListedInPercent: Bool

    init(_ indicator: Indicator, direction: Double = 1, _ formula: IndicatorFormula, prior: String? = nil, priorInPercent: Bool = false) {
        self.indicator = indicator
        self.direction = direction
        self.formula = formula
        self.priorName = prior
        self.priorListedInPercent = priorInPercent
    }

    /// The same definition with another sampling-noise model.
    func noise(_ model: SamplingNoise) -> IndicatorDefinition {
        switch formula {
        case .ratio(let r): return .init(indicator, direction: direction, .ratio(r.noise(model)), prior: priorName, priorInPercent: priorListedInPercent)
        case .change(let r): return .init(indicator, direction: direction, .change(r.noise(model)), prior: priorName, priorInPercent: priorListedInPercent)
        default: return self
        }
    }

    /// The figures ratio, when the indicator is one (directly or as a change).
    var ratio: FigureRatio? {
        switch formula {
        case .ratio(let r), .change(let r): return r
        default: return nil
        }
    }

    /// Decimals written for its value.
    var decimals: Int { 2 }

    /// One definition per `Indicator`, in `Indicator.allCases` order.
    static let all: [IndicatorDefinition] = Indicator.allCases.map(make)

    private static func make(_ i: Indicator) -> IndicatorDefinition {
        switch i {
        case .turnoverRate:
            // DfE: leavers / in post.
            return .init(i, .ratio(FigureRatio({ $0.leavers }, over: { $0.inpost }, scale: 100, published: { $0.turnoverRate },
                                               publishedFallback: true, measures: [.leaversFTE, .inpostFTE], publishedMeasure: .turnoverRateFTE)),
                         prior: "turnover_rate")
        case .agencyRate:
            // DfE: agency / (agency + in post).
            return .init(i, .ratio(FigureRatio({ $0.agency }, over: { f in f.agency.flatMap { a in f.inpost.map { a + $0 } } }, scale: 100,
                                               published: { $0.agencyRate }, publishedFallback: true,
                                               measures: [.agencyFTE, .inpostFTE], publishedMeasure: .agencyRateFTE)),
                         prior: "agency_rate")
        case .vacancyRate:
            // DfE: vacancies / (vacancies + in post).
            return .init(i, .ratio(FigureRatio({ $0.vacancies }, over: { f in f.vacancies.flatMap { v in f.inpost.map { v + $0 } } }, scale: 100,
                                               published: { $0.vacancyRate }, publishedFallback: true,
                                               measures: [.vacancyFTE, .inpostFTE], publishedMeasure: .vacancyRateFTE)),
                         prior: "vacancy_rate")
        case .absenceRate:
            // Published rate; its "count" is the FTE it implies, so it is weighted toward England by in-post FTE.
            return .init(i, .ratio(FigureRatio({ f in f.absenceRate.flatMap { r in f.inpost.map { r * $0 / 100 } } }, over: { $0.inpost },
                                               scale: 100, published: { $0.absenceRate }, publishedFallback: true,
                                               measures: [.absenceRateFTE, .inpostFTE])),
                         prior: "absence_rate_pct", priorInPercent: true)
        case .netLossRate:
            // (leavers − starters) / in post.
            return .init(i, .ratio(FigureRatio({ f in f.leavers.flatMap { l in f.starters.map { l - $0 } } }, over: { $0.inpost }, scale: 100,
                                               measures: [.leaversFTE, .startersFTE, .inpostFTE])),
                         prior: "net_loss_rate").noise(.events { f in f.leavers.flatMap { l in f.starters.map { l + $0 } } })
        case .inpostChange:
            // (in post − in post a year before) / in post a year before; a fall is the risk.
            return .init(i, direction: -1,
                         .change(FigureRatio(change: { now, before in now.inpost.flatMap { a in before?.inpost.map { a - $0 } } },
                                             over: { _, before in before?.inpost }, scale: 100, measures: [.inpostFTE],
                                             zeroDenominator: { "no staff in post in \($0)" })),
                         prior: "inpost_growth").noise(.events { f in f.leavers.flatMap { l in f.starters.map { l + $0 } } })
        case .instabilityTrend:
            return .init(i, .trend(of: [.turnoverRate, .agencyRate, .vacancyRate], named: "turnover, agency and vacancy"))
        case .inspectionInstability, .inspectionCaseload, .cinRate, .referralRate:
            return .init(i, .external)
        case .caseload:
            // DfE: cases / case-holding FTE.
            return .init(i, .ratio(FigureRatio({ $0.cases }, over: { $0.caseHolders }, scale: 1, published: { $0.caseload },
                                               measures: [.cases, .caseHoldersFTE], publishedMeasure: .caseloadFTE)),
                         prior: "caseload").noise(.count)
        case .caseloadChange:
            return .init(i, .difference(of: .caseload), prior: "previous_caseload")
        case .casesPerInpost:
            return .init(i, .ratio(FigureRatio({ $0.cases }, over: { $0.inpost }, scale: 1, measures: [.cases, .inpostFTE])),
                         prior: "cases_per_inpost").noise(.count)
        case .vacancyPressure:
            // Vacancies not covered by agency staff, as a share of posts.
            return .init(i, .ratio(FigureRatio({ f in f.vacancies.map { $0 * max(0, 1 - (f.vacancyAgencyCoverRate ?? 0) / 100) } },
                                               over: { f in f.vacancies.flatMap { v in f.inpost.map { v + $0 } } }, scale: 100,
                                               measures: [.vacancyFTE, .inpostFTE],
                                               caveat: { $0.vacancyAgencyCoverRate == nil ? "agency cover of vacancies not reported; all vacancies counted as uncovered" : nil })),
                         prior: "vacancy_pressure")
        }
    }
}

extension Indicator {
    /// The indicator's one definition.
    var definition: IndicatorDefinition { IndicatorDefinition.all[ordinal] }
}
