import ArgumentParser
import Foundation
import WFRisk

struct EvaluateExtraction: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-extraction",
        abstract: "Measure inspection-text extraction against hand labels (precision and recall per task).")

    @Argument(help: "Labels file.") var labels = "eval/inspections/labels.yml"
    @Option(help: "Folder label paths are relative to.") var root = "."
    @Option(help: "Folder that `shared/` label paths point into.") var shared = "../shared/data"
    @Option(help: "Only documents whose path contains this text (e.g. eval/ for the held-out texts).") var only: String?
    @Flag(help: "Also list every miss and extra.") var details = false

    func run() throws {
        let e = try ExtractionEvaluation.run(labels: labels, root: root, shared: shared, only: only, registry: try AuthorityRegistry.bundled())
        print(e.report(), terminator: "")
        if details { print(""); for m in e.misses { print("- \(m)") } }
    }
}
