import ArgumentParser
import WFRisk
import WFRiskCore

/// A command-line number in decimal notation only (`0x10` and `nan` are refused, as in every file wfrisk reads).
struct DecimalArgument: ExpressibleByArgument, Sendable {
    let value: Double
    init(_ value: Double) { self.value = value }
    init?(argument: String) {
        guard let v = DecimalNumber.parse(argument) else { return nil }
        value = v
    }
    var defaultValueDescription: String { Decimals.trimmed(value) }
}

/// `wfrisk diff` and `wfrisk run --baseline`: how far each kind of column may move.
struct ToleranceOptions: ParsableArguments {
    @Option(help: "Tolerance on the three scores, in points (0 to 100; default 0: exact to the written 2 decimals).")
    var scoreTolerance: DecimalArgument?

    @Option(help: ArgumentHelp("Same as --score-tolerance (kept for older scripts; it no longer applies to coverage).", visibility: .hidden))
    var tolerance: DecimalArgument?

    @Option(help: "Tolerance on coverage, instability_coverage and caseload_risk_coverage, as a share (0 to 1; default 0).")
    var coverageTolerance = DecimalArgument(0)

    @Option(help: "Tolerance on the overall, instability, caseload-risk and previous ranks, in places (0 to 1000; default 0).")
    var rankTolerance: Int = 0

    @Option(help: "Tolerance on each end of the 90% rank interval (overall_rank_low, overall_rank_high), in places (0 to 1000; default 0).")
    var intervalTolerance: Int = 0

    @Option(help: "Tolerance on p_high_band, as a probability (0 to 1; default 0).")
    var probabilityTolerance = DecimalArgument(0)

    var tolerances: ScoreDiff.Tolerances {
        ScoreDiff.Tolerances(score: (scoreTolerance ?? tolerance)?.value ?? 0, coverage: coverageTolerance.value, rank: rankTolerance,
                             interval: intervalTolerance, probability: probabilityTolerance.value)
    }

    func validate() throws {
        do {
            if scoreTolerance != nil && tolerance != nil {
                throw WFRiskError.usage("--tolerance is the old name of --score-tolerance; give one of them")
            }
            if let t = scoreTolerance { try SettingRanges.check(t.value, option: "--score-tolerance") }
            if let t = tolerance { try SettingRanges.check(t.value, option: "--tolerance") }
            try SettingRanges.check(coverageTolerance.value, option: "--coverage-tolerance")
            try SettingRanges.check(rankTolerance, option: "--rank-tolerance")
            try SettingRanges.check(intervalTolerance, option: "--interval-tolerance")
            try SettingRanges.check(probabilityTolerance.value, option: "--probability-tolerance")
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
