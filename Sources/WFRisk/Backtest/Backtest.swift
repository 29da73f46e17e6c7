import Dispatch
import Foundation
import WFRiskCore
import WFRiskOfsted
import WFRiskIngest
import WFRiskScoring

/// What a backtest measures over (docs/validity.md).
package struct BacktestConfig: Sendable, Equatable {
    /// Census years scored and paired.
    package var years: ClosedRange<Int>
    /// A judgement pairs with a census when published within this many months after 30 September.
    package var horizonMonths: Int = 24
    /// Bootstrap draws (resamples of authorities).
    package var draws: Int = 2000
    package var seed: UInt64 = 16
    /// Interval coverage.
    package var level: Double = 0.95

    package init(years: ClosedRange<Int>, horizonMonths: Int = 24, draws: Int = 2000, seed: UInt64 = 16, level: Double = 0.95) {
        self.years = years
        self.horizonMonths = horizonMonths
        self.draws = draws
        self.seed = seed
        self.level = level
    }
}

/// What is tested against the next judgement.
enum PredictorKind: String, Sendable {
    /// One of the three scores.
    case score
    /// One indicator alone, as its robust z (direction applied, not clamped).
    case indicator
    /// Facts kept beside the score: the judgement in force and its age.
    case context
}

struct Predictor: Hashable, Sendable {
    var name: String
    var kind: PredictorKind
}

/// One unit in one census year, paired with its next judgement.
struct BacktestPair: Sendable {
    var unit: ReportingUnit
    var year: Int
    var code: String
    var name: String
    var band: String?
    var outcome: LinkedJudgement
    var inForce: LinkedJudgement?
    /// Predictor values by name (absent: no value for this unit and year).
    var values: [String: Double]
    /// Bootstrap cluster: the authority, across years.
    var cluster: String { unit.key }
}

/// An estimate with its bootstrap interval.
struct Estimate: Sendable, Equatable {
    var value: Double?
    var low: Double?
    var high: Double?
    /// Pairs the estimate stands on, and how many were inadequate.
    var n: Int
    var inadequate: Int
}

struct PredictorResult: Sendable {
    var scope: String
    var predictor: Predictor
    /// AUC for an inadequate next judgement against the rest.
    var aucInadequate: Estimate
    /// AUC for requires improvement or inadequate against good or outstanding.
    var aucBelowGood: Estimate
    /// Spearman correlation with the grade (1 outstanding … 4 inadequate).
    var spearman: Estimate
}

/// Composite minus one indicator, on the same pairs and the same bootstrap draws.
struct PairedDifference: Sendable {
    var scope: String
    var composite: String
    var indicator: String
    var compositeAUC: Estimate
    var indicatorAUC: Estimate
    var difference: Estimate
}

struct BandShare: Sendable {
    var scope: String
    var band: String
    var pairs: Int
    var inadequate: Int
    var share: Estimate
}

/// One year held out: the best single indicator is chosen on the other years, then both it
/// and the composite are measured on the held-out year.
struct LeaveOneYearOut: Sendable {
    var heldOut: Int
    var chosenOn: [Int]
    var bestIndicator: String
    var overallOnOthers: Estimate
    var comparison: PairedDifference
}

struct YearSummary: Sendable {
    var year: Int
    var units: Int
    var scored: Int
    var paired: Int
    var noInspection: Int
}

package struct BacktestReport: Sendable {
    var config: BacktestConfig
    var methodologyVersion: String
    /// Where the weights and settings scored came from (a pipeline file), when not the defaults.
    var settingsSource = ""
    var ofstedFile: String
    var latestJudgement: String?
    var years: [YearSummary]
    var pairs: [BacktestPair]
    var results: [PredictorResult]
    var paired: [PairedDifference]
    var bands: [BandShare]
    var leaveOneYearOut: [LeaveOneYearOut]
    var warnings: [String]
}

/// Scores every census year, pairs units with their next graded judgement, and measures
/// how well each score and indicator orders those judgements (docs/validity.md).
enum Backtest {
    static let bands = ["high", "elevated", "moderate", "low"]

    /// `input.settings.year` is ignored: every year of `config.years` is scored in turn.
    static func run(_ input: ScoringInput, history: OfstedHistory, config: BacktestConfig) throws -> BacktestReport {
        var pairs: [BacktestPair] = []
        var summaries: [YearSummary] = []
        var warnings: [String] = []
        let available = Set(input.workforce.years)
        for year in config.years {
            guard available.contains(year) else {
                warnings.append("no workforce rows for census year \(year): not scored")
                continue
            }
            var yearInput = input
            yearInput.settings.year = year
            let table = try Scorer.score(yearInput)
            let (yearPairs, summary) = pair(table, history: history, registry: input.registry, config: config)
            pairs += yearPairs
            summaries.append(summary)
            if summary.paired == 0 {
                warnings.append("census \(year): no unit has a graded judgement within \(config.horizonMonths) months (the file ends \(history.latestPublication?.description ?? "-"))")
            }
        }
        let horizonEnd = DayStamp.census(config.years.upperBound).adding(months: config.horizonMonths)
        if let last = history.latestPublication, last < horizonEnd {
            warnings.append("the judgements file ends \(last); census years whose \(config.horizonMonths)-month horizon runs past it are paired only with the judgements it has")
        }
        return measure(pairs, config: config, summaries: summaries, history: history, warnings: warnings)
    }

    /// Pairs one scored year: units with no graded judgement in the horizon leave the pairs.
    static func pair(_ table: ScoreTable, history: OfstedHistory, registry: AuthorityRegistry, config: BacktestConfig)
        -> ([BacktestPair], YearSummary) {
        let census = DayStamp.census(table.year)
        // The look-ahead guard: the context predictors see only what was public at the census.
        let known = history.known(at: census)
        let references = Dictionary(uniqueKeysWithValues: table.references.map { ($0.indicator, $0) })
        var out: [BacktestPair] = []
        var none = 0
        for u in table.units {
            guard let next = history.next(u.unit, year: table.year, horizonMonths: config.horizonMonths, registry: registry) else {
                none += 1
                continue
            }
            var values: [String: Double] = [:]
            if let o = u.overall { values["overall"] = o }
            if let v = u.instability.value { values[ScoreKind.instability.rawValue] = v }
            if let v = u.caseloadRisk.value { values[ScoreKind.caseloadRisk.rawValue] = v }
            for r in u.instability.indicators + u.caseloadRisk.indicators {
                guard let x = r.adjusted else { continue }
                if r.indicator.source == .inspections {
                    values[r.indicator.rawValue] = x
                } else if let ref = references[r.indicator], ref.scale > 0 {
                    values[r.indicator.rawValue] = r.indicator.direction * (x - ref.median) / ref.scale
                }
            }
            let inForce = known.inForce(u.unit, year: table.year, registry: registry)
            if let j = inForce {
                values["judgement_in_force"] = Double(j.judgement.grade.severity)
                values["judgement_age_months"] = Double(j.judgement.published.months(to: census))
            }
            out.append(BacktestPair(unit: u.unit, year: table.year, code: u.oldCode, name: u.name, band: u.band,
                                    outcome: next, inForce: inForce, values: values))
        }
        let scored = table.units.filter { $0.overall != nil }.count
        return (out, YearSummary(year: table.year, units: table.units.count, scored: scored, paired: out.count, noInspection: none))
    }

    // MARK: Measurement

    static func predictors(in pairs: [BacktestPair]) -> [Predictor] {
        let present = Set(pairs.flatMap { $0.values.keys })
        var list: [Predictor] = ["overall", ScoreKind.instability.rawValue, ScoreKind.caseloadRisk.rawValue]
            .filter(present.contains).map { Predictor(name: $0, kind: .score) }
        list += Indicator.allCases.map(\.rawValue).filter(present.contains).map { Predictor(name: $0, kind: .indicator) }
        list += ["judgement_in_force", "judgement_age_months"].filter(present.contains).map { Predictor(name: $0, kind: .context) }
        return list
    }

    /// Every measure over every scope (each year, then the years pooled).
    static func measure(_ pairs: [BacktestPair], config: BacktestConfig, summaries: [YearSummary] = [],
                               history: OfstedHistory? = nil, warnings: [String] = []) -> BacktestReport {
        let predictors = predictors(in: pairs)
        let years = Array(Set(pairs.map(\.year))).sorted()
        var scopes: [(String, [BacktestPair], UInt64)] = years.map { y in (String(y), pairs.filter { $0.year == y }, UInt64(y)) }
        if years.count > 1 { scopes.append(("\(years.first!)-\(years.last!)", pairs, 0)) }
        var results: [PredictorResult] = []
        var paired: [PairedDifference] = []
        var bandShares: [BandShare] = []
        for (label, subset, salt) in scopes {
            let bootstrap = ClusterBootstrap(clusters: subset.map(\.cluster), draws: config.draws, seed: config.seed &+ salt)
            let level = config.level
            // Predictors are independent; each reads the same draws (results in input order).
            let scopeResults = Parallel.map(predictors, threads: ProcessInfo.processInfo.activeProcessorCount) { p in
                evaluate(p, in: subset, scope: label, bootstrap: bootstrap, level: level)
            }
            results += scopeResults
            if let best = bestIndicator(scopeResults) {
                paired.append(compare("overall", best, in: subset, scope: label, bootstrap: bootstrap, level: config.level))
            }
            bandShares += bands.map { band in
                share(of: band, in: subset, scope: label, bootstrap: bootstrap, level: config.level)
            }
        }
        var loyo: [LeaveOneYearOut] = []
        if years.count > 1 {
            for held in years {
                let others = pairs.filter { $0.year != held }, heldPairs = pairs.filter { $0.year == held }
                let otherBoot = ClusterBootstrap(clusters: others.map(\.cluster), draws: config.draws, seed: config.seed &+ UInt64(held) &* 31)
                let otherResults = predictors.filter { $0.kind == .indicator }.map {
                    evaluate($0, in: others, scope: "not \(held)", bootstrap: otherBoot, level: config.level)
                }
                guard let best = bestIndicator(otherResults) else { continue }
                let overall = evaluate(Predictor(name: "overall", kind: .score), in: others, scope: "not \(held)", bootstrap: otherBoot, level: config.level)
                let heldBoot = ClusterBootstrap(clusters: heldPairs.map(\.cluster), draws: config.draws, seed: config.seed &+ UInt64(held))
                loyo.append(LeaveOneYearOut(heldOut: held, chosenOn: years.filter { $0 != held }, bestIndicator: best,
                                            overallOnOthers: overall.aucInadequate,
                                            comparison: compare("overall", best, in: heldPairs, scope: String(held), bootstrap: heldBoot, level: config.level)))
            }
        }
        return BacktestReport(config: config, methodologyVersion: Scorer.methodologyVersion, ofstedFile: history?.file ?? "",
                              latestJudgement: history?.latestPublication?.description, years: summaries, pairs: pairs,
                              results: results, paired: paired, bands: bandShares, leaveOneYearOut: loyo, warnings: warnings)
    }

    /// The indicator with the highest AUC for an inadequate next judgement (ties: first listed).
    static func bestIndicator(_ results: [PredictorResult]) -> String? {
        var best: (String, Double)?
        for r in results where r.predictor.kind == .indicator {
            guard let v = r.aucInadequate.value else { continue }
            if best == nil || v > best!.1 { best = (r.predictor.name, v) }
        }
        return best?.0
    }

    static func evaluate(_ p: Predictor, in pairs: [BacktestPair], scope: String, bootstrap: ClusterBootstrap, level: Double) -> PredictorResult {
        let has = pairs.map { $0.values[p.name] != nil }
        func inadequate(_ i: [Int]) -> Double? {
            let k = i.filter { has[$0] }
            return RankStatistics.auc(k.map { pairs[$0].values[p.name]! }, k.map { pairs[$0].outcome.judgement.grade == .inadequate })
        }
        func belowGood(_ i: [Int]) -> Double? {
            let k = i.filter { has[$0] }
            return RankStatistics.auc(k.map { pairs[$0].values[p.name]! }, k.map { pairs[$0].outcome.judgement.grade >= .requiresImprovement })
        }
        func rho(_ i: [Int]) -> Double? {
            let k = i.filter { has[$0] }
            return RankStatistics.spearman(k.map { pairs[$0].values[p.name]! }, k.map { Double(pairs[$0].outcome.judgement.grade.severity) })
        }
        let estimate = estimator(pairs, usable: has, bootstrap: bootstrap, level: level)
        return PredictorResult(scope: scope, predictor: p, aucInadequate: estimate(inadequate), aucBelowGood: estimate(belowGood),
                               spearman: estimate(rho))
    }

    /// A statistic over pair indices as an `Estimate`: its value on every pair, its bootstrap
    /// interval, and the counts of usable pairs and of inadequate outcomes among them.
    private static func estimator(_ pairs: [BacktestPair], usable: [Bool], bootstrap: ClusterBootstrap,
                                  level: Double) -> (([Int]) -> Double?) -> Estimate {
        let all = Array(pairs.indices)
        let n = usable.filter { $0 }.count
        let bad = pairs.indices.filter { usable[$0] && pairs[$0].outcome.judgement.grade == .inadequate }.count
        return { f in
            let ci = bootstrap.interval(level: level, f)
            return Estimate(value: f(all), low: ci?.low, high: ci?.high, n: n, inadequate: bad)
        }
    }

    static func compare(_ composite: String, _ indicator: String, in pairs: [BacktestPair], scope: String,
                        bootstrap: ClusterBootstrap, level: Double) -> PairedDifference {
        let both = pairs.map { $0.values[composite] != nil && $0.values[indicator] != nil }
        func auc(_ name: String, _ i: [Int]) -> Double? {
            let k = i.filter { both[$0] }
            return RankStatistics.auc(k.map { pairs[$0].values[name]! }, k.map { pairs[$0].outcome.judgement.grade == .inadequate })
        }
        func diff(_ i: [Int]) -> Double? {
            guard let a = auc(composite, i), let b = auc(indicator, i) else { return nil }
            return a - b
        }
        let estimate = estimator(pairs, usable: both, bootstrap: bootstrap, level: level)
        return PairedDifference(scope: scope, composite: composite, indicator: indicator,
                                compositeAUC: estimate { auc(composite, $0) }, indicatorAUC: estimate { auc(indicator, $0) },
                                difference: estimate(diff))
    }

    static func share(of band: String, in pairs: [BacktestPair], scope: String, bootstrap: ClusterBootstrap, level: Double) -> BandShare {
        func rate(_ i: [Int]) -> Double? {
            let k = i.filter { pairs[$0].band == band }
            guard !k.isEmpty else { return nil }
            return Double(k.filter { pairs[$0].outcome.judgement.grade == .inadequate }.count) / Double(k.count)
        }
        let inBand = pairs.filter { $0.band == band }
        let bad = inBand.filter { $0.outcome.judgement.grade == .inadequate }.count
        let ci = bootstrap.interval(level: level, rate)
        return BandShare(scope: scope, band: band, pairs: inBand.count, inadequate: bad,
                         share: Estimate(value: rate(Array(pairs.indices)), low: ci?.low, high: ci?.high, n: inBand.count, inadequate: bad))
    }
}
