import ArgumentParser
import Foundation
import WFRisk

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scoring pipeline (default: pipelines/nightly.yml on sample-data/).",
        discussion: """
        With no options, runs pipelines/nightly.yml. Files named on the command line replace the
        pipeline's inputs of that kind. Outputs go to the pipeline's output folder (or --out).
        """)

    @Option(name: .long, help: "Pipeline file.")
    var pipeline: String = "pipelines/nightly.yml"

    @Option(name: .long, parsing: .upToNextOption, help: "DfE workforce CSV file(s); replaces the pipeline's.")
    var workforce: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "DfE children-in-need (b1) or referrals (c1) CSV file(s).")
    var demand: [String] = []

    @Option(name: .long, help: "Statistical neighbours CSV (DfE layout).")
    var neighbours: String?

    @Option(name: .long, help: "Scoring year (default: latest in the data).")
    var year: Int?

    @Option(name: .long, help: "Output folder.")
    var out: String?

    func run() throws {
        do {
            var p = try Pipeline.load(path: pipeline)
            if !workforce.isEmpty {
                p.inputs.workforce = workforce
                p.inputs.demand = []
                p.inputs.inspections = []
            }
            if !demand.isEmpty { p.inputs.demand = demand }
            if let neighbours { p.inputs.neighbours = neighbours }
            if let year { p.settings.scoring.year = year }
            if let out { p.outputs.directory = out }
            let result = try SimpleRun.execute(p)
            print(result)
        } catch {
            fail(error)
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check workforce or demand CSV files without scoring.")

    @Argument(help: "CSV files to check.")
    var files: [String]

    func run() throws {
        do {
            let settings = try RunSettings.defaults()
            let refs = try RunReferences.load(inputs: PipelineInputs(), settings: settings)
            for f in files {
                let file = try refs.reader.read(path: f, wanted: Measure.allCases, kind: "workforce or demand")
                print("\(f): ok, \(file.rowCount) rows, measures: \(file.measures.map(\.rawValue).joined(separator: ", "))")
                for w in file.warnings { print("  warning: \(w)") }
            }
        } catch {
            fail(error)
        }
    }
}
