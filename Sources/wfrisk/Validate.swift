import ArgumentParser
import Foundation
import WFRisk
import WFRiskCore
import WFRiskIngest

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check workforce or demand CSV files, and a statistical-neighbours file, without scoring.",
        discussion: """
            Runs every check `wfrisk run` makes (CSV syntax, row widths, years, cells, authority codes and names, \
            value rules in Resources/validity_rules.csv, duplicate rows, overlapping files) on every year of every \
            file, and lists every problem found (file, line, field). With --neighbours, checks that file as a run reads \
            it (one row per authority, codes the registry knows, no authority its own neighbour, no neighbour twice in a \
            row). Exit 0 when all files are usable, 3 when any is not.
            """)

    @Argument(help: "Workforce or demand CSV files to check.")
    var files: [String] = []

    @Option(help: "Statistical-neighbours CSV (DfE layout) to check as a run's inputs.reference.neighbours.")
    var neighbours: String?

    @Flag(help: "Treat two files that disagree on a row as an error even when one is the newer release.")
    var strictReleases = false

    @Flag(help: "Treat a published figure that disagrees with its own counts (any row, national and regional too) as an error, as the pipeline setting `strict: true` does.")
    var strict = false

    @Option(help: "Authority registry CSV (the layout of Resources/authorities.csv) to check codes and names against, as a run's inputs.reference.authorities.")
    var authorities: String?

    @Option(help: "Pipeline file whose reading settings to check with, as `wfrisk run` reads files: its column aliases, suppression markers, overlapping-release policy and authority registry (--authorities, --strict and --strict-releases still apply).")
    var pipeline: String?

    func validate() throws {
        if files.isEmpty && neighbours == nil { throw ValidationError("give CSV files to check, --neighbours FILE, or both") }
    }

    func run() throws {
        // Reference-loading errors go to the root, which maps them to their exit code.
        let p = try pipeline.map { try Pipeline.load(path: $0) }
        var inputs = p?.inputs ?? PipelineInputs()
        if let authorities { inputs.authorities = authorities; inputs.authorityAliases = nil }
        let settings = try p?.settings ?? RunSettings.defaults()
        let registry = try RunReferences.registry(inputs)
        var reader = try RunReferences.reader(settings, registry: registry)
        if strict { reader.strict = true }
        do {
            if let neighbours {
                let sn = try StatisticalNeighbours.load(path: neighbours, registry: registry)
                let counts = sn.neighbours.values.map(\.count)
                print("\(neighbours): ok: statistical neighbours, \(sn.neighbours.count) authorities, \(counts.min() ?? 0) to \(counts.max() ?? 0) neighbours each")
            }
            let overlap: ReleaseOverlap = strictReleases ? .strict : settings.overlappingReleases
            let summaries = files.isEmpty ? [] : try InputValidation.check(paths: files, reader: reader, overlap: overlap)
            for s in summaries {
                let years = s.years.isEmpty ? "none" : (s.years.count > 2 && s.years.last! - s.years.first! == s.years.count - 1
                    ? "\(s.years.first!)-\(s.years.last!)" : s.years.map(String.init).joined(separator: ", "))
                print("\(s.path): ok: \(s.kind), \(s.rows) rows (\(s.rowsByLevel[.localAuthority] ?? 0) local authority, \(s.rowsByLevel[.regional] ?? 0) regional, \(s.rowsByLevel[.national] ?? 0) national); years \(years); \(s.units) local-authority units")
                print("  measures: \(s.measures.map(\.rawValue).joined(separator: ", "))")
                let cells = s.suppressed.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }
                print("  suppressed or empty cells: \(s.suppressed.values.reduce(0, +))" + (cells.isEmpty ? "" : " (\(cells.joined(separator: ", ")))"))
                for w in s.warnings { print("  warning: \(w)") }
            }
        } catch WFRiskError.inputs(let problems) {
            for p in problems { StandardStream.error.say("\(p)\n") }
            let files = Set(problems.map(\.file)).count
            StandardStream.error.say("\(problems.count) problem(s) in \(files) file(s)\n")
            throw ExitCode(3)
        } catch WFRiskError.input(let p) {
            StandardStream.error.say("\(p)\n")
            throw ExitCode(3)
        }
    }
}
