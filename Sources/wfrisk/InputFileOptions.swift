import ArgumentParser
import WFRisk

/// `--workforce`, `--demand` and `--ofsted`: input files named on the command line in place of a
/// pipeline's (`run`, `backtest`). Declared once; each command says in its help what else a new
/// workforce file drops, since that differs.
struct InputFileOptions<Help: InputFileHelp>: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(Help.workforce))
    var workforce: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(Help.demand))
    var demand: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(Help.ofsted))
    var ofsted: [String] = []

    @Option(name: .long, help: "ONS mid-year estimates of children aged 0 to 17 (EES layout): demand rates from counts where the demand files give no rate.")
    var population: String?

    /// Applies the files named to `p`'s inputs, listing each override. A new workforce file
    /// drops the pipeline's demand and population (each command says what else it drops).
    func apply(to p: inout Pipeline, overrides: inout [RunOverride]) {
        if !workforce.isEmpty {
            p.inputs.workforce = workforce
            p.inputs.demand = []
            p.inputs.population = nil
            overrides.append(RunOverride(option: "--workforce", value: workforce.joined(separator: " ")))
        }
        if !demand.isEmpty {
            p.inputs.demand = demand
            overrides.append(RunOverride(option: "--demand", value: demand.joined(separator: " ")))
        }
        if let population {
            p.inputs.population = population
            overrides.append(RunOverride(option: "--population", value: population))
        }
        if !ofsted.isEmpty {
            p.inputs.ofsted = ofsted
            overrides.append(RunOverride(option: "--ofsted", value: ofsted.joined(separator: " ")))
        }
    }
}

/// A command's help for `InputFileOptions`.
protocol InputFileHelp {
    static var workforce: String { get }
    static var demand: String { get }
    static var ofsted: String { get }
}

extension InputFileHelp {
    static var ofsted: String {
        "Ofsted's record: the judgements CSV, the analysts' scraper CSV, a folder of report PDFs, or several (merged; they must agree). Replaces the pipeline's inputs.ofsted."
    }
}
