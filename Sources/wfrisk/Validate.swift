import ArgumentParser
import Foundation
import WFRisk

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check workforce or demand CSV files without scoring.",
        discussion: "Reports every problem found (file, line, field). Exit 0 when all files are usable, 3 when any is not.")

    @Argument(help: "CSV files to check.")
    var files: [String]

    func run() throws {
        let settings: RunSettings
        let refs: RunReferences
        settings = try RunSettings.defaults()
        refs = try RunReferences.load(inputs: PipelineInputs(), settings: settings)
        var failed = false
        for f in files {
            do {
                let file = try refs.reader.read(path: f, wanted: Measure.allCases, kind: "workforce or demand")
                let levels = Dictionary(grouping: file.records, by: \.level).mapValues(\.count)
                let years = Set(file.records.map(\.year)).sorted()
                print("\(f): ok: \(file.rowCount) rows (\(levels[.localAuthority] ?? 0) local authority, \(levels[.regional] ?? 0) regional, \(levels[.national] ?? 0) national); years \(years.map(String.init).joined(separator: ", "))")
                print("  measures: \(file.measures.map(\.rawValue).joined(separator: ", "))")
                let suppressed = file.records.reduce(0) { $0 + $1.values.filter { $0.1.missingReason != nil }.count }
                print("  suppressed or empty cells: \(suppressed)")
                for w in file.warnings { print("  warning: \(w)") }
            } catch {
                failed = true
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            }
        }
        if failed { throw ExitCode(3) }
    }
}
