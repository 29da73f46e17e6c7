/// One row of a DfE tidy (explore-education-statistics) file, resolved to its geography.
public struct TidyRecord: Sendable, Equatable {
    public var year: Int
    public var level: GeographicLevel
    /// The reporting unit of a local-authority row.
    public var unit: ReportingUnit?
    public var regionCode: String
    public var regionName: String
    /// Codes and name exactly as the file gives them (e.g. `314 / 318`).
    public var publishedOldCode: String
    public var publishedNewCode: String
    public var publishedName: String
    /// Measures present in the file's columns; a measure whose column is absent has no entry.
    public var values: [Measure: Observation]
    public var source: SourceLocation

    /// Key identifying the geography and year; two rows with one key describe the same thing.
    public var key: TidyRecordKey {
        TidyRecordKey(year: year, level: level, geography: unit?.key ?? regionCode)
    }

    public static func == (a: TidyRecord, b: TidyRecord) -> Bool {
        a.year == b.year && a.level == b.level && a.unit == b.unit && a.regionCode == b.regionCode && a.values == b.values
    }
}

public struct TidyRecordKey: Hashable, Sendable, Comparable {
    public var year: Int
    public var level: GeographicLevel
    public var geography: String
    public static func < (a: TidyRecordKey, b: TidyRecordKey) -> Bool {
        (a.year, a.level.rawValue, a.geography) < (b.year, b.level.rawValue, b.geography)
    }
}

/// What reading one tidy file produced.
public struct TidyFile: Sendable {
    public var path: String
    public var records: [TidyRecord]
    /// Measures whose columns the file has.
    public var measures: [Measure]
    /// Data rows read (header excluded), whatever their level.
    public var rowCount: Int
    public var warnings: [String]
}

/// Reads a DfE tidy CSV into typed records: columns found through `ColumnAliases`,
/// suppression symbols kept as reasons, each local-authority row resolved to a reporting unit.
public struct TidyFileReader: Sendable {
    public var aliases: ColumnAliases
    public var markers: SuppressionMarkers
    public var registry: AuthorityRegistry
    /// Stop collecting row problems after this many (the file is clearly not usable).
    public var maxProblems = 25

    public init(aliases: ColumnAliases, markers: SuppressionMarkers, registry: AuthorityRegistry) {
        self.aliases = aliases
        self.markers = markers
        self.registry = registry
    }

    /// Reads `path`, keeping the measures in `wanted`. Throws `.inputs` listing every row problem
    /// (file, line, field) when any cell cannot be read, and `.input` when needed columns are missing.
    public func read(path: String, wanted: [Measure], kind: String) throws -> TidyFile {
        var columnOf: [String: Int] = [:]
        var measureColumns: [(Measure, Int, String)] = []
        var header: [String] = []
        var records: [TidyRecord] = []
        var problems: [InputProblem] = []
        var warnings: [String] = []
        var rowCount = 0
        var ignoredLevels: [String: Int] = [:]

        func problem(_ line: Int, _ field: String?, _ message: String) throws {
            problems.append(InputProblem(file: path, line: line, field: field, message: message))
            if problems.count >= maxProblems { throw WFRiskError.inputs(problems + [InputProblem(file: path, message: "stopped after \(maxProblems) problems")]) }
        }

        try CSVReader.read(path: path) { record in
            if header.isEmpty {
                header = record.strings.map { $0.trimmingCharacters(in: .whitespaces) }
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
                for m in wanted { if let i = columnOf[m.rawValue] { measureColumns.append((m, i, header[i])) } }
                try checkColumns(path: path, header: header, columnOf: columnOf, found: measureColumns.map(\.0), wanted: wanted, kind: kind)
                return
            }
            rowCount += 1
            let line = record.line
            let levelText = columnOf["geographic_level"].map { record.string(at: $0) } ?? "Local authority"
            guard let level = GeographicLevel(fileValue: levelText) else {
                ignoredLevels[levelText, default: 0] += 1
                return
            }
            let yearText = record.string(at: columnOf["time_period"]!)
            guard let year = TidyFileReader.parseYear(yearText) else {
                try problem(line, header[columnOf["time_period"]!], "'\(yearText)' is not a year (expected e.g. 2023 or 202223)")
                return
            }
            let oldText = columnOf["old_la_code"].map { record.string(at: $0).trimmingCharacters(in: .whitespaces) } ?? ""
            let newText = columnOf["new_la_code"].map { record.string(at: $0).trimmingCharacters(in: .whitespaces) } ?? ""
            let nameText = columnOf["la_name"].map { record.string(at: $0).trimmingCharacters(in: .whitespaces) } ?? ""
            var regionCode = columnOf["region_code"].map { record.string(at: $0) } ?? ""
            var regionName = columnOf["region_name"].map { record.string(at: $0) } ?? ""
            var unit: ReportingUnit?
            if level == .localAuthority {
                switch resolveUnit(old: oldText, new: newText, name: nameText, year: year) {
                case .success(let u):
                    unit = u
                    if regionCode.isEmpty, let a = registry.authority(oldCode: u.memberCodes[0]) {
                        regionCode = a.regionCode
                        regionName = a.regionName
                    }
                case .failure(let p):
                    try problem(line, p.field, p.message)
                    return
                }
            } else if level == .regional && regionCode.isEmpty && regionName.isEmpty {
                try problem(line, "region_code", "regional row without region_code or region_name")
                return
            }
            if level == .regional && regionCode.isEmpty { regionCode = regionName }
            var values: [Measure: Observation] = [:]
            for (measure, index, column) in measureColumns {
                let cell = record.field(index)
                if let v = NumberParsing.parse(cell) {
                    values[measure] = .value(v)
                } else {
                    let text = record.string(at: index)
                    if let reason = markers.reason(for: text) {
                        values[measure] = .missing(reason)
                    } else {
                        try problem(line, column, "'\(text)' is neither a number nor a suppression symbol (\(markers.symbols.joined(separator: " ")))")
                    }
                }
            }
            records.append(TidyRecord(
                year: year, level: level, unit: unit, regionCode: regionCode, regionName: regionName,
                publishedOldCode: oldText, publishedNewCode: newText, publishedName: nameText,
                values: values, source: SourceLocation(file: path, line: line)))
        }
        if header.isEmpty {
            throw WFRiskError.input(InputProblem(file: path, message: "file is empty (no header row)"))
        }
        if !problems.isEmpty { throw WFRiskError.inputs(problems) }
        for (level, n) in ignoredLevels.sorted(by: { $0.key < $1.key }) {
            warnings.append("\(path): ignored \(n) row(s) at geographic level '\(level)'")
        }
        let missing = wanted.filter { m in !measureColumns.contains { $0.0 == m } }
        if kind == "workforce" && !missing.isEmpty && !measureColumns.isEmpty {
            warnings.append("\(path): no column for \(missing.map(\.rawValue).joined(separator: ", ")); those measures are missing for every row")
        }
        return TidyFile(path: path, records: records, measures: measureColumns.map(\.0), rowCount: rowCount, warnings: warnings)
    }

    private func checkColumns(path: String, header: [String], columnOf: [String: Int], found: [Measure], wanted: [Measure], kind: String) throws {
        var missing: [String] = []
        if columnOf["time_period"] == nil { missing.append("time_period") }
        if columnOf["old_la_code"] == nil && columnOf["new_la_code"] == nil && columnOf["la_name"] == nil {
            missing.append("old_la_code (or new_la_code or la_name)")
        }
        if found.isEmpty { missing.append("any \(kind) measure (\(wanted.map(\.rawValue).joined(separator: ", ")))") }
        guard missing.isEmpty else {
            throw WFRiskError.input(InputProblem(
                file: path, line: 1,
                message: "missing column(s): \(missing.joined(separator: "; ")). The file has: \(header.joined(separator: ", ")). Add aliases under column_aliases in the pipeline file if these are named differently."))
        }
    }

    /// Resolves a local-authority row to its reporting unit through the registry: by 3-digit code,
    /// then 9-character code, then name. Combined units (`314 / 318`) keep all members. An authority
    /// unknown to the registry is kept under its own code (with the caller warned via `unknownCodes`).
    public func resolveUnit(old: String, new: String, name: String, year: Int) -> Result<ReportingUnit, InputProblem> {
        let olds = AuthorityRegistry.splitCombined(old)
        let news = AuthorityRegistry.splitCombined(new)
        let names = name.contains(" / ") ? name.components(separatedBy: " / ") : (name.isEmpty ? [] : [name])
        let count = max(olds.count, news.count, names.count)
        guard count > 0 else {
            return .failure(InputProblem(file: "", field: "old_la_code", message: "local-authority row with no code or name"))
        }
        var members: [String] = []
        for i in 0..<count {
            if i < olds.count, registry.authority(oldCode: olds[i]) != nil { members.append(olds[i]); continue }
            if i < news.count, let a = registry.authority(newCode: news[i]) { members.append(a.oldCode); continue }
            if i < names.count, let a = registry.authority(named: names[i], year: year) { members.append(a.oldCode); continue }
            // Not in the registry: keep the published code so the row is still scored.
            if i < olds.count, !olds[i].isEmpty { members.append(olds[i]); continue }
            if i < news.count, !news[i].isEmpty { members.append(news[i]); continue }
            return .failure(InputProblem(file: "", field: "la_name", message: "authority '\(names[i])' is not in the registry and the row has no code"))
        }
        return .success(ReportingUnit(memberCodes: members))
    }

    /// `2023` → 2023; `202223` (financial year) → 2023; `2022-23` → 2023.
    public static func parseYear(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.count == 4, let y = Int(t), (1900...2100).contains(y) { return y }
        let digits = t.filter(\.isNumber)
        if digits.count == 6, let start = Int(digits.prefix(4)), let end = Int(digits.suffix(2)), (start + 1) % 100 == end {
            return start + 1
        }
        return nil
    }
}
