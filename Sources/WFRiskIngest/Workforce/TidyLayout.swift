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
    /// A wide release (`WideLayout`): every row is of this year (`year` is then -1) and its level
    /// follows from which codes it has.
    var fixedYear: Int?

    /// The columns decoding reads: the others need not be copied out of the parser.
    var neededColumns: [Bool] {
        var needed = Array(repeating: false, count: header.count)
        for c in [year] + measureColumns + identityColumns where c >= 0 { needed[c] = true }
        return needed
    }

    init(header raw: [String], path: String, aliases: ColumnAliases, wanted: [Measure], kind: String, wide: WideLayout,
         warnings: inout [String]) throws {
        header = raw.map { $0.trimmedSpaces }
        // A wide release: no time_period, the year at the end of the measure columns' names.
        var names = header.map { ColumnAliases.normalize($0) }
        if !names.contains(where: { aliases.canonical(for: $0) == "time_period" }),
           let (year, stripped, other) = wide.read(names, aliases: aliases, wanted: wanted) {
            fixedYear = year
            names = stripped
            if !other.isEmpty {
                warnings.append("\(path): a wide release of \(year); \(other.count) column(s) of other years not read (\(other.prefix(3).joined(separator: ", "))\(other.count > 3 ? ", ..." : ""))")
            }
        }
        var columnOf: [String: Int] = [:]
        for (i, name) in names.enumerated() where !name.isEmpty {
            let canonical = aliases.canonical(for: name)
            if let existing = columnOf[canonical] {
                // Prefer a column literally named as canonical over an alias.
                if name == canonical && names[existing] != canonical {
                    columnOf[canonical] = i
                }
                warnings.append("\(path): columns '\(header[existing])' and '\(header[i])' both mean \(canonical); using '\(header[columnOf[canonical]!])'")
            } else {
                columnOf[canonical] = i
            }
        }
        let published = header
        measures = wanted.compactMap { m in columnOf[m.rawValue].map { (m, $0, published[$0]) } }
        var missing: [String] = []
        if columnOf["time_period"] == nil && fixedYear == nil {
            missing.append("time_period (or, in a wide release, measure columns ending in a year such as _2015)")
        }
        if columnOf["old_la_code"] == nil && columnOf["new_la_code"] == nil && columnOf["la_name"] == nil {
            missing.append("old_la_code (or new_la_code or la_name)")
        }
        if measures.isEmpty { missing.append("any \(kind) measure (\(wanted.map(\.rawValue).joined(separator: ", ")))") }
        guard missing.isEmpty else {
            // A statistical-neighbours file given as data is said to be one, with where it goes.
            let neighbours = header.contains { $0.hasPrefix("sn1_") }
                ? " This looks like a statistical-neighbours file: give it with --neighbours (run, validate) or inputs.reference.neighbours."
                : ""
            throw WFRiskError.input(InputProblem(
                file: path, line: 1,
                message: "missing column(s): \(missing.joined(separator: "; ")). The file has: \(header.joined(separator: ", ")). Add aliases under column_aliases in the pipeline file if these are named differently.\(neighbours)"))
        }
        year = columnOf["time_period"] ?? -1
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

/// How a wide release is read (`Resources/wide_layout.csv`): the year suffix of its column names
/// and the level of a row from the codes it has. Data, not code per file.
struct WideLayout: Sendable {
    /// Digits of the year at the end of a column name (after `_`); 0: wide releases not read.
    var suffixDigits = 0
    var levelWithLACode = "Local authority"
    var levelWithRegionCode = "Regional"
    var levelOtherwise = "National"

    static let bundled: Result<WideLayout, WFRiskError> = Result { try load(path: ReferenceFiles.path("wide_layout.csv")) }
        .mapError { ($0 as? WFRiskError) ?? .runtime("\($0)") }

    static func load(path: String) throws -> WideLayout {
        let table = try KeyedCSV(path: path)
        try table.require(["rule", "value"])
        var layout = WideLayout()
        for row in table.rows {
            let value = row.values["value"] ?? ""
            switch row.values["rule"] ?? "" {
            case "year_suffix":
                guard let n = Int(value), (1...8).contains(n) else {
                    throw WFRiskError.input(InputProblem(file: path, line: row.line, field: "value", message: "'\(value)' is not a number of digits"))
                }
                layout.suffixDigits = n
            case "level_with_la_code": layout.levelWithLACode = value
            case "level_with_region_code": layout.levelWithRegionCode = value
            case "level_otherwise": layout.levelOtherwise = value
            case let other:
                throw WFRiskError.input(InputProblem(file: path, line: row.line, field: "rule", message: "unknown rule '\(other)'"))
            }
        }
        return layout
    }

    /// The year a wide header is of (the one most of its measure columns end in), the names with
    /// that year's suffix dropped, and the columns of other years (left as they are, so unread);
    /// nil when no measure column carries a year suffix.
    func read(_ names: [String], aliases: ColumnAliases, wanted: [Measure]) -> (Int, [String], [String])? {
        guard suffixDigits > 0 else { return nil }
        let measures = Set(wanted.map(\.rawValue))
        var yearOf: [Int?] = []
        var votes: [Int: Int] = [:]
        for name in names {
            let parts = name.split(separator: "_")
            guard parts.count > 1, let last = parts.last, last.count == suffixDigits, last.allSatisfy(\.isNumber), let year = Int(last),
                  measures.contains(aliases.canonical(for: String(name.dropLast(suffixDigits + 1)))) else {
                yearOf.append(nil)
                continue
            }
            yearOf.append(year)
            votes[year, default: 0] += 1
        }
        guard let year = votes.max(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key else { return nil }
        var stripped = names
        var other: [String] = []
        for (i, y) in yearOf.enumerated() {
            guard let y else { continue }
            if y == year { stripped[i] = String(names[i].dropLast(suffixDigits + 1)) } else { other.append(names[i]) }
        }
        return (year, stripped, other)
    }

    /// The level of a wide release's row from the codes it has.
    func level(hasLACode: Bool, hasRegionCode: Bool) -> String {
        hasLACode ? levelWithLACode : (hasRegionCode ? levelWithRegionCode : levelOtherwise)
    }
}
