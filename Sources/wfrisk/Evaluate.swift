import ArgumentParser
import Foundation
import WFRisk
import WFRiskCore
import WFRiskIngest
import WFRiskInspections

struct EvaluateExtraction: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-extraction",
        abstract: "Measure inspection-text extraction against hand labels: the development set (../shared) and the project's own set, separately.")

    @Argument(help: "Labels file.") var labels = "eval/inspections/labels.yml"
    @Option(help: "Folder label paths are relative to.") var root = "."
    @Option(help: "Folder that `shared/` label paths point into.") var shared = "../shared/data"
    @Option(help: "Only documents whose path contains this text (e.g. eval/ for the held-out texts).") var only: String?
    @Flag(help: "Also list every miss and extra.") var details = false
    @Option(help: "A labelled set laid out like the development set (labels.json and texts/); default <shared>/inspections/dev when present.")
    var dev: String?
    @Option(help: "Score this `wfrisk extract --json` output against --dev's labels instead of extracting (to compare with its score.py).")
    var predictions: String?

    func run() throws {
        let registry = try AuthorityRegistry.bundled()
        let devDir = dev ?? (shared as NSString).appendingPathComponent("inspections/dev")
        if FileManager.default.fileExists(atPath: (devDir as NSString).appendingPathComponent("labels.json")) {
            let s = try ExtractionEvaluation.scoreLabelledSet(dir: devDir, predictions: predictions, registry: registry)
            print("Development set (\(devDir)), its scorer's measures:")
            if details { for n in s.notes { print(n) } }
            print(s.summary + (s.passes ? "" : "  [below the targets: authority F1 0.95, signals F1 0.85, visit type and judgement 0.90]"))
            print("")
            if predictions != nil { return }
        } else if dev != nil || predictions != nil {
            throw WFRiskError.usage("\(devDir)/labels.json not found")
        } else {
            print("Development set: \(devDir) not present (a clone without ../shared); left out.\n")
        }
        let e = try ExtractionEvaluation.run(labels: labels, root: root, shared: shared, only: only, registry: registry)
        print(e.report(), terminator: "")
        if details { print(""); for m in e.misses { print("- \(m)") } }
    }
}
