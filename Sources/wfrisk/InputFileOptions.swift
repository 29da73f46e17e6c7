import ArgumentParser

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
