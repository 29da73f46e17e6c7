import ArgumentParser
import Foundation
import WFRisk
import WFRiskCore
import WFRiskOfsted

/// `wfrisk ofsted …`: Ofsted's record.
struct OfstedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofsted",
        abstract: "Ofsted's record of judgements, from any of its sources.",
        subcommands: [OfstedHistoryCommand.self])
}

struct OfstedHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Merge Ofsted judgement histories into one file in the judgements-file layout.",
        discussion: """
        Each PATH is the judgements file (../shared/data/ofsted/README.md), the analysts' scraper
        CSV as it is (dd/mm/yy dates, its grade words, standard/short, data_unreadable), or a folder
        of Ofsted's report PDFs. The same inspection read from two places must agree on every grade
        both give, else the command fails naming both places (exit 3). Rows and files that give no
        graded judgement are listed on stderr with the reason. Writes FILE in the judgements-file
        layout, which --ofsted and inputs.ofsted read.
        """)

    @Argument(help: "Judgements files, scraper CSVs or folders of report PDFs.")
    var paths: [String]

    @Option(name: .long, help: "The merged history to write (CSV, judgements-file layout).")
    var out: String

    @Option(help: "Authority reference CSV (same columns as the bundled authorities.csv; default: bundled).")
    var authorities: String?

    func run() throws {
        let registry = try AuthorityRegistry.named(authorities: authorities, aliases: nil)
        let record = try OfstedInput.load(paths, registry: registry)
        for line in record.passedOverSummary { StandardStream.error.say("wfrisk: \(line)\n") }
        try FileOutput.writeAtomically(JudgementsFileWriter.render(record.history), to: out)
        for s in record.sources {
            print("\(s.path): \(s.kind.rawValue), \(s.judgements) judgement(s)")
        }
        print("\(record.history.all.count) judgement(s) of \(record.history.byCode.count) authorities, \(record.merged) read twice (agreeing) -> \(out)")
    }
}
