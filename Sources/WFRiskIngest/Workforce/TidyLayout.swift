import Foundation
import WFRiskCore

/// Where a file's columns are, fixed once its header is read.
struct TidyLayout {
    var header: [String]
    var year: Int
    var level: Int?
    var old: Int?
    var new: Int?
    var name: Int?
    var regionCode: Int?
    var regionName: Int?
    var measures: [(Measure, Int, String)]
    /// Flat copies of `measures` for the per-row loop: column index and `Measure` ordinal.
    var measureColumns: [Int] = []
    var measureOrdinals: [Int] = []
    /// Columns that together identify a row's geography (-1 where the file lacks one).
    var identityColumns: [Int] = []

    /// The columns decoding reads: the others need not be copied out of the parser.
    var neededColumns: [Bool] {
        var needed = Array(repeating: false, count: header.count)
        for c in [year] + measureColumns + identityColumns where c >= 0 { needed[c] = true }
        return needed
    }

    init(header raw: [String], path: String, aliases: ColumnAliases, wanted: [Measure], kind: String, warnings: inout [String]) throws {
        header = raw.map { $0.trimmedSpaces }
        var columnOf: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            let canonical = aliases.canonical(for: name)
            if let existing = columnOf[canonical] {
                // Prefer a column literally named as canonical over an alias.
                if ColumnAliases.normalize(name) == canonical && ColumnAliases.normalize(header[existing]) != canonical {
                    columnOf[canonical] = i
                }
                warnings.append("\(path): columns '\(header[existing])' and '\(name)' both mean \(canonical); using '\(header[columnOf[canonical]!])'")
            } else {
                columnOf[canonical] = i
            }
        }
        let names = header
        measures = wanted.compactMap { m in columnOf[m.rawValue].map { (m, $0, names[$0]) } }
        var missing: [String] = []
        if columnOf["time_period"] == nil { missing.append("time_period") }
        if columnOf["old_la_code"] == nil && columnOf["new_la_code"] == nil && columnOf["la_name"] == nil {
            missing.append("old_la_code (or new_la_code or la_name)")
        }
        if measures.isEmpty { missing.append("any \(kind) measure (\(wanted.map(\.rawValue).joined(separator: ", ")))") }
        guard missing.isEmpty else {
            throw WFRiskError.input(InputProblem(
                file: path, line: 1,
                message: "missing column(s): \(missing.joined(separator: "; ")). The file has: \(header.joined(separator: ", ")). Add aliases under column_aliases in the pipeline file if these are named differently."))
        }
        year = columnOf["time_period"]!
        level = columnOf["geographic_level"]
        old = columnOf["old_la_code"]
        new = columnOf["new_la_code"]
        name = columnOf["la_name"]
        regionCode = columnOf["region_code"]
        regionName = columnOf["region_name"]
        measureColumns = measures.map(\.1)
        measureOrdinals = measures.map { $0.0.ordinal }
        identityColumns = [level, old, new, name, regionCode, regionName].map { $0 ?? -1 }
    }
}
