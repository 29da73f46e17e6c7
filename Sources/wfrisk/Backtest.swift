import ArgumentParser
import Foundation
import WFRisk
import WFRiskCore
import WFRiskScoring

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Score past census years and measure the scores against Ofsted's next judgements.",
        discussion: """
        For every census year, scores every unit with the pipeline's inputs and settings, pairs it
        with its next graded Ofsted judgement published within the horizon (successor authorities
        across boundary changes; a joint return takes its members' most severe), and reports for
        each score and indicator the AUC for an inadequate next judgement, the AUC for below good,
        and Spearman's correlation with the grade, each with a seeded bootstrap interval over
        authorities; the overall score against the best single indicator; the share inadequate
        by band; and leave-one-year-out results. A judgement published after a census never
        informs that census's scores. Writes backtest.csv, backtest_pairs.csv and backtest.json.
        Method: docs/validity.md.

        EXIT CODES: 0 success; 1 runtime failure; 2 usage or pipeline-file error; 3 input validation failure.
        """)

    @Option(name: .long, help: "Pipeline file naming the inputs and settings (default: pipelines/backtest.yml of the checkout wfrisk was built in, the real DfE files in ../shared; from any working directory).")
    var pipeline: String?

    @Option(name: .long, help: "Census years, e.g. 2017-2019 (default: the pipeline's backtest.years).")
    var years: String?

    @Option(name: .long, help: "Months after 30 September within which the next judgement must be published.")
    var horizon: Int?

    @Option(name: .long, help: "Bootstrap draws.")
    var draws: Int?

    @Option(name: .long, help: "Bootstrap seed.")
    var seed: Int?

    enum FilesHelp: InputFileHelp {
        static let workforce = "DfE workforce CSV file(s); replaces the pipeline's (and drops its demand and population)."
        static let demand = "Children-in-need (b1) or referrals (c1) CSV file(s)."
    }

    @OptionGroup var files: InputFileOptions<FilesHelp>

    @Option(name: .long, help: "Folder for backtest.csv, backtest_pairs.csv and backtest.json.")
    var out: String = "out/backtest"

    func validate() throws {
        if let years, ScoringSettings.parseYears(years) == nil { throw ValidationError("--years must be a year or a range such as 2017-2019") }
        if let horizon, !(1...120).contains(horizon) { throw ValidationError("--horizon must be between 1 and 120 months") }
        if let draws, !(1...100_000).contains(draws) { throw ValidationError("--draws must be between 1 and 100000") }
        if let seed, seed < 0 { throw ValidationError("--seed must not be negative") }
    }

    func run() throws {
        guard let pipeline = pipeline ?? Pipeline.defaultPath(file: "backtest.yml") else {
            throw WFRiskError.usage("no --pipeline given and no default backtest pipeline found (looked for \(Pipeline.candidateDefaultPaths(file: "backtest.yml").joined(separator: ", "))); pass --pipeline FILE")
        }
        var p = try Pipeline.load(path: pipeline)
        var overrides: [RunOverride] = []
        files.apply(to: &p, overrides: &overrides)
        guard !p.inputs.ofsted.isEmpty else {
            throw WFRiskError.usage("no Ofsted record: give --ofsted PATH... or inputs.ofsted in \(pipeline)")
        }
        var config = BacktestConfig(years: p.backtest.years, horizonMonths: p.backtest.horizonMonths,
                                    draws: p.backtest.draws, seed: UInt64(p.backtest.seed))
        if let years { config.years = ScoringSettings.parseYears(years)! }
        if let horizon { config.horizonMonths = horizon }
        if let draws { config.draws = draws }
        if let seed { config.seed = UInt64(seed) }
        let report = try BacktestRunner.run(pipeline: p, ofsted: p.inputs.ofsted, config: config)
        print(BacktestOutput.table(report), terminator: "")
        let written = try BacktestOutput.write(report, to: out)
        print("")
        print("Files written:")
        for w in written { print("  \(w)") }
    }
}
