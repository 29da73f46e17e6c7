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
    /// How the ratio varies by chance given its denominator (intervals, shrinkage, rank draws).
    let model: SamplingModel

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
        self.model = .binomial
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
        self.model = .binomial
    }

    private init(_ r: FigureRatio, model: SamplingModel) {
        numerator = r.numerator
        denominator = r.denominator
        scale = r.scale
        published = r.published
        publishedFallback = r.publishedFallback
        measures = r.measures
        publishedMeasure = r.publishedMeasure
        zeroDenominator = r.zeroDenominator
        caveat = r.caveat
        self.model = model
    }

    /// The same ratio with another sampling model.
    func sampled(_ model: SamplingModel) -> FigureRatio { FigureRatio(self, model: model) }

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

    /// Shrunk toward England by `shrinker` (empirical Bayes, or its fixed pseudo-count fallback).
    func adjusted(_ now: WorkforceFigures, _ previous: WorkforceFigures? = nil, by shrinker: Shrinker) -> Double? {
        guard let n = numerator(now, previous), let d = denominator(now, previous), d > 0 else { return nil }
        return shrinker.adjusted(n / d, denominator: d, figures: now)
    }
}

/// How an indicator's value varies by chance given the size it rests on, declared once in its
/// definition (docs/methodology.md §3). The intervals, the empirical-Bayes shrinkage, the funnel
/// limits and the rank simulation all read it: one noise model.
enum SamplingModel: Sendable {
    /// A share of the denominator (leavers of those in post, agency of all posts): binomial on the
    /// ratio's own FTE denominator. Interval: Wilson's. Variance of the proportion p(1 − p)/d.
    /// A numerator above its denominator (more leavers than staff in post) is not a proportion:
    /// its interval is then Byar's on the numerator as events per FTE.
    case binomial
    /// The share of working days lost to sickness absence, per FTE in post. Days are lost in spells
    /// by people, not independently: the variance of one person's share lies between a Poisson of
    /// days (p/253, every day independent) and p(1 − p) (all or nothing: a long-term sickness);
    /// sickness absence is dominated by long spells, so the upper bound is used: binomial on the
    /// in-post FTE, Wilson's interval on (rate × FTE) of FTE.
    case timeLost
    /// Events per unit of the denominator (cases per case-holding FTE, referrals per child):
    /// Poisson on the count. Interval: Byar's on the count, over the denominator. Variance of the
    /// rate λ/d; overdispersion (more spread between authorities than Poisson gives) enters through
    /// the between-authority variance of the shrinkage and the funnel limits.
    case poisson
    /// A difference of event counts over a denominator (leavers − starters): each count Poisson,
    /// variance (events)/d² of the ratio, normal interval.
    case events(@Sendable (WorkforceFigures) -> Double?)

    /// The variance of the unscaled ratio of a unit with denominator `d`, were its true rate `rate`.
    func variance(at rate: Double, denominator d: Double, figures: WorkforceFigures?) -> Double? {
        guard d > 0 else { return nil }
        switch self {
        case .binomial, .timeLost:
            let p = min(1, max(0, rate))
            return p * (1 - p) / d
        case .poisson:
            return max(0, rate) / d
        case .events(let events):
            return max(1, figures.flatMap(events) ?? 1) / (d * d)
        }
    }

    /// The value's interval at `level`, on its own scale, from its numerator and denominator.
    func interval(numerator x: Double, denominator d: Double, scale: Double, level: ConfidenceLevel,
                  figures: WorkforceFigures?) -> (interval: ConfidenceInterval, method: IntervalMethod)? {
        guard d > 0, x.isFinite, d.isFinite else { return nil }
        switch self {
        case .binomial, .timeLost:
            if x >= 0, x <= d, let w = IntervalMethod.wilson(x, of: d, z: level.z) { return (w.scaled(by: scale), .wilson) }
            return IntervalMethod.byar(max(0, x), z: level.z).map { ($0.scaled(by: scale / d), .byar) }
        case .poisson:
            return IntervalMethod.byar(max(0, x), z: level.z).map { ($0.scaled(by: scale / d), .byar) }
        case .events:
            guard let v = variance(at: 0, denominator: d, figures: figures) else { return nil }
            return IntervalMethod.normal(scale * x / d, sd: scale * v.squareRoot(), z: level.z).map { ($0, .normal) }
        }
    }

    /// Funnel limits for a unit of denominator `d` around England's `target` (unscaled), with the
    /// between-authority variance `tau2` (0 for the plain limits).
    func funnel(target: Double, denominator d: Double, level: ConfidenceLevel, tau2: Double) -> ConfidenceInterval? {
        switch self {
        case .binomial, .timeLost: return FunnelLimits.proportion(target: target, n: d, z: level.z, tau2: tau2)
        case .poisson: return FunnelLimits.rate(target: target, n: d, z: level.z, tau2: tau2)
        case .events: return nil
        }
    }
}

/// The one shrinkage of a ratio toward England's (docs/methodology.md §3), for one indicator in
/// one year. Empirical Bayes: a unit's ratio `y` with sampling variance `v` (its model's, at
/// England's rate `p`, on its own denominator) is shrunk by its reliability `R = τ²/(τ² + v)`,
/// `adjusted = scale × (p + R (y − p))`, `τ²` the between-authority variance estimated from the
/// year's data (`BetweenVariance`). When `τ²` cannot be estimated the fixed pseudo-count is the
/// fallback: `R = d/(d + k)`, which is `scale × (numerator + k p)/(d + k)`.
struct Shrinker: Sendable {
    /// England's ratio (unscaled); nil leaves values unshrunk.
    let prior: Double?
    /// The year's between-authority variance; nil: fixed pseudo-count fallback.
    let estimate: BetweenVariance.Estimate?
    /// Fallback strength, in denominator units.
    let k: Double
    let model: SamplingModel
    let scale: Double

    /// Share of its own departure from England a unit keeps (0 … 1).
    func reliability(denominator d: Double, figures: WorkforceFigures?) -> Double {
        guard d > 0 else { return 0 }
        if let tau2 = estimate?.tau2, let p = prior, let v = model.variance(at: p, denominator: d, figures: figures) {
            return tau2 / (tau2 + v)
        }
        return d / (d + k)
    }

    /// The shrunk ratio on the value's scale; the plain ratio without a prior.
    func adjusted(_ ratio: Double, denominator d: Double, figures: WorkforceFigures?) -> Double? {
        guard d > 0 else { return nil }
        guard let p = prior else { return scale * ratio }
        return scale * (p + reliability(denominator: d, figures: figures) * (ratio - p))
    }

    /// The posterior standard deviation of the adjusted value (what a rank draw moves it by):
    /// `scale × √(R v)`; with no denominator (a published rate without counts) the prior's,
    /// `scale × √τ²` (fallback: the variance of a unit of `k`).
    func sd(denominator: Double?, adjusted: Double, figures: WorkforceFigures?) -> Double {
        let p = prior ?? adjusted / scale
        let d = max(0, denominator ?? 0)
        guard d > 0, let v = model.variance(at: p, denominator: d, figures: figures) else {
            if let tau2 = estimate?.tau2 { return scale * tau2.squareRoot() }
            return scale * (model.variance(at: p, denominator: k, figures: figures) ?? 0).squareRoot()
        }
        return scale * (reliability(denominator: d, figures: figures) * v).squareRoot()
    }

    /// Estimated from every unit's ratio and denominator in the year.
    static func estimated(model: SamplingModel, prior: Double?, scale: Double, k: Double,
                          units: [(ratio: Double, denominator: Double, figures: WorkforceFigures?)]) -> Shrinker {
        guard let p = prior else { return Shrinker(prior: nil, estimate: nil, k: k, model: model, scale: scale) }
        var values: [Double] = [], variances: [Double] = []
        values.reserveCapacity(units.count)
        variances.reserveCapacity(units.count)
        for u in units {
            guard let v = model.variance(at: p, denominator: u.denominator, figures: u.figures) else { continue }
            values.append(u.ratio)
            variances.append(v)
        }
        return Shrinker(prior: p, estimate: BetweenVariance.estimate(values: values, variances: variances, target: p),
                        k: k, model: model, scale: scale)
    }

    /// The fixed pseudo-count shrinkage (no estimate).
    static func fixed(model: SamplingModel, prior: Double?, scale: Double, k: Double) -> Shrinker {
        Shrinker(prior: prior, estimate: nil, k: k, model: model, scale: scale)
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

    /// The sampling model of an indicator from another input (demand rates).
    private let externalSampling: SamplingModel?

    init(_ indicator: Indicator, direction: Double = 1, _ formula: IndicatorFormula, prior: String? = nil, priorInPercent: Bool = false,
         sampling: SamplingModel? = nil) {
        self.indicator = indicator
        self.externalSampling = sampling
        self.direction = direction
        self.formula = formula
        self.priorName = prior
        self.priorListedInPercent = priorInPercent
    }

    /// The same definition with another sampling model.
    func sampled(_ model: SamplingModel) -> IndicatorDefinition {
        switch formula {
        case .ratio(let r): return .init(indicator, direction: direction, .ratio(r.sampled(model)), prior: priorName, priorInPercent: priorListedInPercent)
        case .change(let r): return .init(indicator, direction: direction, .change(r.sampled(model)), prior: priorName, priorInPercent: priorListedInPercent)
        default: return .init(indicator, direction: direction, formula, prior: priorName, priorInPercent: priorListedInPercent, sampling: model)
        }
    }

    /// How the value varies by chance: the ratio's model, or a demand rate's (nil: no sampling
    /// model, as for inspection concern, a trend or a change of a rate).
    var sampling: SamplingModel? { ratio?.model ?? externalSampling }

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
                         prior: "absence_rate_pct", priorInPercent: true).sampled(.timeLost)
        case .netLossRate:
            // (leavers − starters) / in post.
            return .init(i, .ratio(FigureRatio({ f in f.leavers.flatMap { l in f.starters.map { l - $0 } } }, over: { $0.inpost }, scale: 100,
                                               measures: [.leaversFTE, .startersFTE, .inpostFTE])),
                         prior: "net_loss_rate").sampled(.events { f in f.leavers.flatMap { l in f.starters.map { l + $0 } } })
        case .inpostChange:
            // (in post − in post a year before) / in post a year before; a fall is the risk.
            return .init(i, direction: -1,
                         .change(FigureRatio(change: { now, before in now.inpost.flatMap { a in before?.inpost.map { a - $0 } } },
                                             over: { _, before in before?.inpost }, scale: 100, measures: [.inpostFTE],
                                             zeroDenominator: { "no staff in post in \($0)" })),
                         prior: "inpost_growth").sampled(.events { f in f.leavers.flatMap { l in f.starters.map { l + $0 } } })
        case .instabilityTrend:
            return .init(i, .trend(of: [.turnoverRate, .agencyRate, .vacancyRate], named: "turnover, agency and vacancy"))
        case .inspectionInstability, .inspectionCaseload:
            return .init(i, .external)
        case .cinRate:
            // Children in need of the child population: binomial on the children.
            return .init(i, .external, sampling: .binomial)
        case .referralRate:
            // Referrals (a child may be referred more than once) per child: Poisson.
            return .init(i, .external, sampling: .poisson)
        case .caseload:
            // DfE: cases / case-holding FTE.
            return .init(i, .ratio(FigureRatio({ $0.cases }, over: { $0.caseHolders }, scale: 1, published: { $0.caseload },
                                               measures: [.cases, .caseHoldersFTE], publishedMeasure: .caseloadFTE)),
                         prior: "caseload").sampled(.poisson)
        case .caseloadChange:
            return .init(i, .difference(of: .caseload), prior: "previous_caseload")
        case .casesPerInpost:
            return .init(i, .ratio(FigureRatio({ $0.cases }, over: { $0.inpost }, scale: 1, measures: [.cases, .inpostFTE])),
                         prior: "cases_per_inpost").sampled(.poisson)
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
