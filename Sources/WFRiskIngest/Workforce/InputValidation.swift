import Foundation
import WFRiskCore

/// What `wfrisk validate` reports for a usable file.
package struct ValidationSummary: Sendable {
    package var path: String
    /// "workforce", "demand" or "population", from the measures the header names.
    package var kind: String
    package var rows: Int
    package var rowsByLevel: [GeographicLevel: Int]
    package var years: [Int]
    /// Distinct local-authority reporting units.
    package var units: Int
    package var measures: [Measure]
    /// Cells holding a suppression symbol (or empty), by symbol.
    package var suppressed: [String: Int]
    package var warnings: [String]
}

/// The checks `wfrisk validate` runs: exactly the reading and merging `wfrisk run` does, over
/// every year of every file (a run decodes only the years it scores), so validate passes no
/// file a run would reject.
package enum InputValidation {
    /// Checks `paths`, each as a run reads it and then together as a run merges them (files of
    /// one kind), listing every problem. Throws `.inputs` with all problems found.
    package static func check(paths: [String], reader: TidyFileReader, overlap: ReleaseOverlap = .newest) throws -> [ValidationSummary] {
        var reader = reader
        reader.maxProblems = Int.max
        var problems: [InputProblem] = []
        var summaries: [ValidationSummary] = []
        var byKind: [String: [TidyFile]] = [:]
        for path in paths {
            do {
                let (file, kind) = try read(path, reader: reader)
                // A run merges each file's rows: one geography and year twice in one file stops it.
                _ = try TidyDataset.merge([file], maxProblems: Int.max)
                byKind[kind, default: []].append(file)
                summaries.append(summary(file, kind: kind))
            } catch let e as WFRiskError {
                switch e {
                case .input(let p): problems.append(p)
                case .inputs(let ps): problems.append(contentsOf: ps)
                default: throw e
                }
            } catch let e as CSVError {
                problems.append(InputProblem(file: e.file, line: e.line, message: e.message))
            }
        }
        for (_, files) in byKind.sorted(by: { $0.key < $1.key }) where files.count > 1 {
            do {
                let merged = try TidyDataset.merge(files, overlap: overlap, maxProblems: Int.max)
                if !merged.revisions.isEmpty, let i = summaries.firstIndex(where: { $0.path == files.last?.path }) {
                    summaries[i].warnings += merged.revisions.map { "revised by a newer release: \($0)" }
                }
            } catch WFRiskError.inputs(let ps) {
                problems.append(contentsOf: ps)
            }
        }
        if !problems.isEmpty { throw WFRiskError.inputs(problems) }
        return summaries
    }

    /// Reads every year of `path` as workforce, demand or population, whichever its header names.
    static func read(_ path: String, reader: TidyFileReader) throws -> (TidyFile, String) {
        let kinds: [(String, [Measure])] = [("workforce", Measure.workforce), ("demand", Measure.demand), ("population", [.population])]
        var first: InputProblem?
        for (kind, wanted) in kinds {
            do {
                return (try reader.read(path: path, wanted: wanted, kind: kind), kind)
            } catch WFRiskError.input(let p) where p.message.contains("any \(kind) measure") {
                first = first ?? p
            }
        }
        throw WFRiskError.input(InputProblem(
            file: path, line: 1,
            message: first!.message.replacingOccurrences(of: "any workforce measure", with: "any workforce, demand or population measure")))
    }

    static func summary(_ file: TidyFile, kind: String) -> ValidationSummary {
        var levels: [GeographicLevel: Int] = [:]
        var units = Set<ReportingUnit>()
        var suppressed: [String: Int] = [:]
        for r in file.records {
            levels[r.level, default: 0] += 1
            if let u = r.unit { units.insert(u) }
            for (_, o) in r.values { if let reason = o.missingReason { suppressed[reason, default: 0] += 1 } }
        }
        return ValidationSummary(path: file.path, kind: kind, rows: file.rowCount, rowsByLevel: levels,
                                 years: file.rowsByYear.keys.sorted(), units: units.count, measures: file.measures,
                                 suppressed: suppressed, warnings: file.warnings)
    }
}
