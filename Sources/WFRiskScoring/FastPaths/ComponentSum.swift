/// One score of one unit from its indicator results: coverage, the weighted sum of the z-scores
/// and the list of indicators it shows (`ScoringContext.assemble`).
///
/// Why `lean` beside `plain` (the version every scoring year uses, and the one
/// `ScoringFastPathTests` compares it with): a history year keeps only the score, its coverage
/// and, for a unit left unranked, the missing indicators its exclusion reason names
/// (`YearScore`); the plain version copies every indicator result (a large struct with strings)
/// into the component's list to write each contribution into it. On the benchmark's 20,000
/// units those copies were the largest single cost of a history year (`perf`,
/// docs/performance.md). `lean` reads the results in place, in the same order with the same
/// arithmetic, and lists the indicators only when the score is missing (for the reason). Since
/// history years are scored in columns (`ScoringContext.historyYear`), `lean` serves the plain
/// history pass (`Scorer.scoreHistoryYearPlain`) and the exclusion reasons of units the columns
/// leave unranked; the columns use its arithmetic, `valueAndCoverage`.
enum ComponentSum {
    /// What both versions read: the run's indicators of this score (`listed`), those with weight
    /// (`weighted`), each indicator's weight by ordinal, and the settings' clamp and minimum coverage.
    struct Rules {
        var listed: [Indicator]
        var weighted: [Indicator]
        var weightOf: [Double]
        var minCoverage: Double
        var zClamp: Double
    }

    /// The whole component, every listed indicator with its contribution.
    static func plain(_ kind: ScoreKind, _ results: IndicatorResults, _ rules: Rules) -> ComponentScore {
        let applicable = rules.weighted
        let total = applicable.reduce(0) { $0 + rules.weightOf[$1.ordinal] }
        let presentWeight = applicable.reduce(0) { results[$1]?.z != nil ? $0 + rules.weightOf[$1.ordinal] : $0 }
        let coverage = total > 0 ? presentWeight / total : 0
        var list = rules.listed.compactMap { results[$0] }
        var value: Double?
        if coverage + 1e-9 >= rules.minCoverage, presentWeight > 0 {
            let pointsPerZ = 50 / rules.zClamp
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

    /// The same value and coverage; the indicator list only when the value is missing (without
    /// contributions, as the plain version leaves it then).
    static func lean(_ kind: ScoreKind, _ results: IndicatorResults, _ rules: Rules) -> ComponentScore {
        let (value, coverage) = valueAndCoverage(rules) { results.z($0) }
        // The indicators, for the exclusion reason, only when there is no value.
        return ComponentScore(kind: kind, value: value, coverage: coverage,
                              indicators: value == nil ? rules.listed.compactMap { results[$0] } : [], rank: nil)
    }

    /// The score and its coverage from each indicator's z-score (`z`, nil where it has none):
    /// `lean`'s arithmetic, and a history year's (`ScoringContext.historyYear`), which reads the
    /// z-scores from columns. An indicator's weight is `rules.weightOf`'s, as every result holds it.
    static func valueAndCoverage(_ rules: Rules, z: (Indicator) -> Double?) -> (value: Double?, coverage: Double) {
        var total = 0.0, presentWeight = 0.0
        for i in rules.weighted {
            total += rules.weightOf[i.ordinal]
            if z(i) != nil { presentWeight += rules.weightOf[i.ordinal] }
        }
        let coverage = total > 0 ? presentWeight / total : 0
        guard coverage + 1e-9 >= rules.minCoverage, presentWeight > 0 else { return (nil, coverage) }
        let pointsPerZ = 50 / rules.zClamp
        var sum = 0.0
        for i in rules.listed {
            let weight = rules.weightOf[i.ordinal]
            guard let z = z(i), weight > 0 else { continue }
            sum += pointsPerZ * weight * z / presentWeight
        }
        return (min(100, max(0, 50 + sum)), coverage)
    }
}
