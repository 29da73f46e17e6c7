import Foundation

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
    public var values: MeasureValues
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
    /// Files larger than this are memory-mapped and parsed in chunks (smaller ones are streamed).
    public var mappedFileBytes = 8 << 20

    public init(aliases: ColumnAliases, markers: SuppressionMarkers, registry: AuthorityRegistry) {
        self.aliases = aliases
        self.markers = markers
        self.registry = registry
    }

    /// Reads `path`, keeping the measures in `wanted`. Throws `.inputs` listing every row problem
    /// (file, line, field) when any cell cannot be read, and `.input` when needed columns are missing.
    ///
    /// - Parameters:
    ///   - years: which years' rows to keep. Every row is parsed (CSV syntax) and its year read;
    ///     only rows that can be in the window have their geography and cells decoded and checked
    ///     (`.all` checks every cell, as `wfrisk validate` does).
    ///   - threads: a large file is memory-mapped and parsed in this many chunks at once.
    public func read(path: String, wanted: [Measure], kind: String, years: YearWindow = .all, threads: Int = 1) throws -> TidyFile {
        try read(path: path, wanted: wanted, kind: kind, years: years, threads: threads, useLastRecord: true)
    }

    /// With `useLastRecord`, a large file read for the latest years takes its last record's year as
    /// a first guess at the latest year (files sorted oldest first then skip decoding the old rows
    /// too); a guess the rows do not bear out is dropped and the file read again without it.
    private func read(path: String, wanted: [Measure], kind: String, years: YearWindow, threads: Int,
                      useLastRecord: Bool) throws -> TidyFile {
        var layout: TidyLayout?
        var warnings: [String] = []
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let large = size > mappedFileBytes
        let parts = large ? max(1, threads) : 1
        let box = LayoutBox()
        let onHeader: (CSVRecord) throws -> Void = { record in
            let l = try TidyLayout(header: record.strings, path: path, aliases: aliases, wanted: wanted, kind: kind, warnings: &warnings)
            layout = l
            box.layout = l
            box.sinks = (0..<parts).map { _ in TidyPartSink(window: years, width: l.measures.count) }
        }
        let context = DecodeContext(reader: self, path: path)
        if !large {
            var decodeRow: ((CSVRecord) throws -> Void)?
            try CSVReader.read(path: path) { record in
                if let decodeRow { return try decodeRow(record) }
                try onHeader(record)
                let layout = box.layout!, sink = box.sinks[0]
                decodeRow = { try context.decode($0, layout: layout, into: sink) }
            }
        } else {
            let header: (CSVRecord) throws -> [Bool]? = { record in
                try onHeader(record)
                return box.layout!.neededColumns
            }
            var guessing = false
            if case .latest = years, useLastRecord { guessing = true }
            let onLastRecord: ([String]) -> Void = { fields in
                // Whatever its level: a year with no local-authority rows fails the check below.
                guard let l = box.layout, fields.count > l.year, let year = TidyFileReader.parseYear(fields[l.year]) else { return }
                for sink in box.sinks { sink.latestHint = year }
            }
            // Rows the window already rules out by their year are not copied past it.
            let gate: @Sendable (Int) -> RowGate? = { part in
                guard let l = box.layout else { return nil }
                let sink = box.sinks[part]
                return RowGate(column: l.year) { bytes in DecodeContext.year(bytes).map(sink.mayKeep) ?? true }
            }
            try CSVReader.readParallel(path: path, parts: parts, header: header, lastRecord: guessing ? onLastRecord : nil,
                                       gate: guessing || !years.isAll ? gate : nil) { part in
                let layout = box.layout!, sink = box.sinks[part]
                return { try context.decode($0, layout: layout, into: sink) }
            }
        }
        let sinks = box.sinks
        if let hint = sinks.first?.latestHint, hint != Int.min, (sinks.map(\.latest).max() ?? Int.min) < hint {
            return try read(path: path, wanted: wanted, kind: kind, years: years, threads: threads, useLastRecord: false)
        }
        guard let layout else {
            throw WFRiskError.input(InputProblem(file: path, message: "file is empty (no header row)"))
        }
        let problems = sinks.flatMap(\.problems).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        if !problems.isEmpty { throw WFRiskError.inputs(Array(problems.prefix(maxProblems))) }
        var ignored: [String: Int] = [:]
        for sink in sinks { ignored.merge(sink.ignoredLevels, uniquingKeysWith: +) }
        for (level, n) in ignored.sorted(by: { $0.key < $1.key }) {
            warnings.append("\(path): ignored \(n) row(s) at geographic level '\(level)'")
        }
        let missing = wanted.filter { m in !layout.measures.contains { $0.0 == m } }
        if kind == "workforce" && !missing.isEmpty && !layout.measures.isEmpty {
            warnings.append("\(path): no column for \(missing.map(\.rawValue).joined(separator: ", ")); those measures are missing for every row")
        }
        let records = years.prune(sinks.flatMap { $0.records(layout: layout, path: path) })
        return TidyFile(path: path, records: records, measures: layout.measures.map(\.0), rowCount: sinks.reduce(0) { $0 + $1.rowCount }, warnings: warnings)
    }

    /// Resolves a local-authority row to its reporting unit through the registry: by 3-digit code,
    /// then 9-character code, then name. Combined units (`314 / 318`) keep all members. An authority
    /// unknown to the registry is kept under its own code (with the caller warned via `unknownCodes`).
    public func resolveUnit(old: String, new: String, name: String, year: Int) -> Result<ReportingUnit, InputProblem> {
        let olds = AuthorityRegistry.splitCombined(old)
        let news = AuthorityRegistry.splitCombined(new)
        let names = name.utf8.contains(0x2F) && name.contains(" / ") ? name.components(separatedBy: " / ") : (name.isEmpty ? [] : [name])
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
