import WFRiskCore

/// Each figures-based indicator's shrinkage in a year, by ordinal: estimated from every unit's
/// ratio and denominator (`.ratio`), or the fixed pseudo-count (`.change`: its counts compare only
/// across unchanged boundaries, so it has no year-wide estimate); nil for the others. What
/// `ScoringContext` keeps for each year it scores or looks back over.
///
/// Why not `plain` (below, the version `ScoringFastPathTests` compares it with): every scored
/// year estimates the shrinkage of the year and of the two before it (the change and trend
/// indicators look back), so a run of ten history years estimated thirty (`YearEstimates` now
/// shares them); both versions take the year's figures in code order (`FigureTable.unitOrder`),
/// and the plain one then copies, for each of the indicators, every unit's figures again into a
/// list of (ratio, denominator, figures) before keeping two numbers of each. On the benchmark's
/// 20,000 units that copying (a `WorkforceFigures` is a dozen optionals and a dictionary) was
/// about a sixth of the score stage (`perf`, docs/performance.md). Here each unit's ratio and
/// sampling variance go straight into the two arrays the estimate reads, in the same order, so
/// the estimate is the same to the last bit.
enum YearShrinkage {
    static func shrinkers(year: Int, figures: FigureTable, priors: [Double?], settings: ScoringSettings) -> [Shrinker?] {
        let units = figures.unitsInCodeOrder(year)
        return IndicatorDefinition.all.map { d in
            switch d.formula {
            case .ratio(let r):
                let model = r.model, scale = r.scale, k = settings.priorFTE
                guard let p = priors[d.indicator.ordinal] else { return Shrinker(prior: nil, estimate: nil, k: k, model: model, scale: scale) }
                var values: [Double] = [], variances: [Double] = []
                values.reserveCapacity(units.count)
                variances.reserveCapacity(units.count)
                for f in units {
                    guard let n = r.numerator(f, nil), let den = r.denominator(f, nil), den > 0,
                          let v = model.variance(at: p, denominator: den, figures: f) else { continue }
                    values.append(n / den)
                    variances.append(v)
                }
                return Shrinker(prior: p, estimate: BetweenVariance.estimate(values: values, variances: variances, target: p),
                                k: k, model: model, scale: scale)
            case .change(let r):
                return Shrinker.fixed(model: r.model, prior: priors[d.indicator.ordinal], scale: r.scale, k: settings.priorFTE)
            default:
                return nil
            }
        }
    }

    /// Plain path: every unit's (ratio, denominator, figures) listed, then `Shrinker.estimated`.
    static func plain(year: Int, figures: FigureTable, priors: [Double?], settings: ScoringSettings) -> [Shrinker?] {
        let all = figures.unitsInCodeOrder(year)
        return IndicatorDefinition.all.map { d in
            switch d.formula {
            case .ratio(let r):
                let list = all.compactMap { f -> (ratio: Double, denominator: Double, figures: WorkforceFigures?)? in
                    guard let n = r.numerator(f, nil), let den = r.denominator(f, nil), den > 0 else { return nil }
                    return (n / den, den, f)
                }
                return Shrinker.estimated(model: r.model, prior: priors[d.indicator.ordinal], scale: r.scale, k: settings.priorFTE, units: list)
            case .change(let r):
                return Shrinker.fixed(model: r.model, prior: priors[d.indicator.ordinal], scale: r.scale, k: settings.priorFTE)
            default:
                return nil
            }
        }
    }
}
