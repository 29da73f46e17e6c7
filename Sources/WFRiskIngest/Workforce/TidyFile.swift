import Foundation
import WFRiskCore

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
    /// What reading did to the row that a reader of the scores should know (a joint return read
    /// from a partner's row, an implausible value kept): shown in the unit's notes.
    public var notes: [String] = []

    /// The row without its values (every measure as if it had no column): who it is and where
    /// it came from. Why: scoring reads the values through the figure table (`FigureTable`) and
    /// of the rows only their codes, names, region and notes; the values of every row of every
    /// year held beside the table were 74 MB of the 100x run's peak (heaptrack).
    public var identity: TidyRecord {
        var r = self
        r.values = MeasureValues.none
        return r
    }

    /// Key identifying the geography and year; two rows with one key describe the same thing.
    /// England is one geography whatever a National row's region columns hold: keyed by them,
    /// two National rows of a year were both kept, and which one the run used depended on the
    /// process's hash seed.
    public var key: TidyRecordKey {
        TidyRecordKey(year: year, level: level, geography: level == .national ? "" : unit?.key ?? regionCode)
    }

    /// "England", "North East (E12000001)" or "Barnsley (370)", for messages.
    public var label: String {
        switch level {
        case .national: return "England"
        case .regional: return regionName.isEmpty ? regionCode : (regionCode.isEmpty || regionCode == regionName ? regionName : "\(regionName) (\(regionCode))")
        case .localAuthority:
            let code = unit?.key ?? publishedOldCode
            return publishedName.isEmpty ? code : "\(publishedName) (\(code))"
        }
    }

    public static func == (a: TidyRecord, b: TidyRecord) -> Bool {
        a.year == b.year && a.level == b.level && a.unit == b.unit && a.regionCode == b.regionCode && a.values == b.values
    }
}

public struct TidyRecordKey: Hashable, Sendable, Comparable {
    var year: Int
    var level: GeographicLevel
    var geography: String
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
    /// SHA-256 of the bytes parsed: a run compares it with the fingerprint it recorded.
    public var sha256: String = ""
    /// Rows per year (every row whose year was read, whatever its level or window).
    var rowsByYear: [Int: Int] = [:]
    /// The file's latest local-authority year: which of two overlapping releases is newer.
    var releaseYear: Int?
}

/// Reads a DfE tidy CSV into typed records: columns found through `ColumnAliases`,
/// suppression symbols kept as reasons, each local-authority row resolved to a reporting unit.
public struct TidyFileReader: Sendable {
    public var aliases: ColumnAliases
    public var markers: SuppressionMarkers
    public var registry: AuthorityRegistry
    /// Range and consistency rules for published values (`Resources/validity_rules.csv`).
    var rules: ValidityRules
    /// How a wide release's columns and levels are read (`Resources/wide_layout.csv`).
    var wide: WideLayout
    private var rulesError: WFRiskError?
    /// Stop listing row problems after this many (a run; `validate` lists them all). The count
    /// of the rest is still reported.
    public var maxProblems = 25
    /// Files larger than this are split and parsed in chunks when more than one thread is given
    /// (`CSVSplitReader`); smaller ones, and any file read on one thread, are streamed (`CSVReader`).
    public var splitFileBytes = TidyFileReader.splitFileBytes
    /// The size above which a reader splits files, unless set otherwise (tests do).
    public static let splitFileBytes = 8 << 20
    /// The parts a file split for `threads` threads is read in: four a thread, so a thread that
    /// finishes its part early takes another. Why: with two parts, the 100x file's first half
    /// (years before the window, parsed but not decoded) took a third of the time of its second,
    /// and one thread idled for 0.2 s of reading and 0.2 s of making records (perf).
    public static func splitParts(threads: Int) -> Int { threads > 1 ? 4 * threads : 1 }
    /// Whether a file of `size` bytes read on `threads` threads is read in parts: larger than
    /// `limit` (a reader's `splitFileBytes`) and more than one thread.
    static func readsInParts(size: Int, threads: Int, limit: Int = splitFileBytes) -> Bool { size > limit && threads > 1 }
    /// A file's size in bytes, through symbolic links; 0 when it cannot be read (reading it then
    /// says why). Why stat(2), not `FileManager.attributesOfItem`: that describes a link itself,
    /// so a workforce file given through a link (`current.csv -> csww_2024.csv`) measured a few
    /// bytes and was read on one thread (the 100x file: 2.4 s instead of 1.4 s).
    static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
    /// A published figure that disagrees with its own counts stops the file (setting `strict`,
    /// `wfrisk validate --strict`) instead of being a warning.
    public var strict = false

    public init(aliases: ColumnAliases, markers: SuppressionMarkers, registry: AuthorityRegistry, rules: ValidityRules? = nil) {
        self.aliases = aliases
        self.markers = markers
        self.registry = registry
        switch rules.map({ Result<ValidityRules, WFRiskError>.success($0) }) ?? ValidityRules.bundled {
        case .success(let r): self.rules = r
        case .failure(let e):
            self.rules = ValidityRules(rules: [])
            rulesError = e
        }
        switch WideLayout.bundled {
        case .success(let w): wide = w
        case .failure(let e):
            wide = WideLayout()
            rulesError = rulesError ?? e
        }
    }

    /// Reads `path`, keeping the measures in `wanted`. Throws `.inputs` listing every row problem
    /// (file, line, field) when any cell cannot be read, and `.input` when needed columns are missing.
    ///
    /// - Parameters:
    ///   - years: which years' rows to keep. Every row is parsed (CSV syntax) and its year read;
    ///     only rows that can be in the window have their geography and cells decoded and checked
    ///     (`.all` checks every cell, as `wfrisk validate` does).
    ///   - threads: a large file is parsed in this many chunks at once.
    ///   - prepared: the split read's first pass, done while the run fingerprinted the file
    ///     (`PreparedSplit`); used when the file is read in parts, in as many.
    public func read(path: String, wanted: [Measure], kind: String, years: YearWindow = .all, threads: Int = 1,
                     prepared: PreparedSplit? = nil) throws -> TidyFile {
        try read(path: path, wanted: wanted, kind: kind, years: years, threads: threads, prepared: prepared, useLastRecord: true)
    }

    /// With `useLastRecord`, a large file read for the latest years takes the later of its first
    /// and last records' years as a first guess at the latest year (files sorted by year, either
    /// way, then skip decoding the old rows in every part); a guess the rows do not bear out is
    /// dropped and the file read again without it.
    private func read(path: String, wanted: [Measure], kind: String, years: YearWindow, threads: Int,
                      prepared: PreparedSplit?, useLastRecord: Bool) throws -> TidyFile {
        if let rulesError { throw rulesError }
        if let shape = FileShape.problem(path: path) { throw WFRiskError.input(shape) }
        let size = Self.fileSize(path)
        let large = size > splitFileBytes
        var sink = TidySink(reader: self, path: path, wanted: wanted, kind: kind, window: years)
        if case .latest = years, large, useLastRecord {
            sink.firstRecord = CSVSplitReader.firstRecord(path: path)
            sink.lastRecord = CSVSplitReader.lastRecord(path: path)
        }
        let sinks: [TidySink], sha256: String
        if Self.readsInParts(size: size, threads: threads, limit: splitFileBytes) {
            (sinks, sha256) = try CSVSplitReader.read(path: path, parts: Self.splitParts(threads: threads), threads: threads, sink: sink, prepared: prepared)
        } else {
            sha256 = try CSVReader.read(path: path, into: &sink)
            sinks = [sink]
        }
        // Whatever its level: a year with no local-authority rows fails this check.
        if let hint = sinks.first?.latestHint, hint != Int.min, (sinks.map(\.latest).max() ?? Int.min) < hint {
            return try read(path: path, wanted: wanted, kind: kind, years: years, threads: threads, prepared: prepared, useLastRecord: false)
        }
        guard let layout = sinks[0].layout else {
            throw WFRiskError.input(InputProblem(file: path, message: "file is empty (no header row)"))
        }
        var warnings = sinks[0].headerWarnings
        var problems = sinks.flatMap(\.problems)
        var problemTotal = sinks.reduce(0) { $0 + $1.problemTotal }
        let rowCount = sinks.reduce(0) { $0 + $1.rowCount }
        if rowCount == 0 {
            problems.append(InputProblem(file: path, line: 2, message: "the file has a header but no data rows"))
            problemTotal += 1
        }
        var ignored: [String: Int] = [:]
        for sink in sinks { ignored.merge(sink.ignoredLevels, uniquingKeysWith: +) }
        // Each part warns once for each geography whose code it reads as another; a geography in
        // several parts (every one, in a file sorted by year) is said by the first part that has
        // it, at its first line, as a streamed read says it.
        var saidBefore = Set<Substring>()
        for sink in sinks {
            let texts = sink.codeWarnings.map { $0.dropFirst(path.count + 1).drop { $0 != ":" } }
            for (warning, text) in zip(sink.codeWarnings, texts) where !saidBefore.contains(text) { warnings.append(warning) }
            saidBefore.formUnion(texts)
        }
        let blank = sinks.reduce(0) { $0 + $1.blankRows }
        if blank > 0 { warnings.append("\(path): passed over \(blank) row(s) with every field empty") }
        for (level, n) in ignored.sorted(by: { $0.key < $1.key }) {
            warnings.append("\(path): ignored \(n) row(s) at geographic level '\(level)'")
        }
        let missing = wanted.filter { m in !layout.measures.contains { $0.0 == m } }
        if kind == "workforce" && !missing.isEmpty && !layout.measures.isEmpty {
            warnings.append("\(path): no column for \(missing.map(\.rawValue).joined(separator: ", ")); those measures are missing for every row")
        }
        var records = TidySink.finish(sinks, threads: threads)
        // Rows per year: a year holding a handful of rows is a typo in those rows' time_period.
        var rowsByYear: [Int: Int] = [:]
        var firstLines: [Int: [Int]] = [:]
        for sink in sinks {
            for (year, n) in sink.rowsByYear { rowsByYear[year, default: 0] += n }
            for (year, lines) in sink.firstLinesByYear { firstLines[year, default: []].append(contentsOf: lines) }
        }
        // Only a year with local-authority rows among those decoded can become the scoring year.
        // By index: a closure given each record copies it (a dozen reference counts), 0.1 s at 100x (perf).
        var authorityYears = Set<Int>()
        for i in records.indices where records[i].level == .localAuthority { authorityYears.insert(records[i].year) }
        if rules.yearShare > 0, rowsByYear.count > 1, let fullest = rowsByYear.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }) {
            for (year, n) in rowsByYear.sorted(by: { $0.key < $1.key })
            where n < ValidityRules.smallYearRows && Double(n) < rules.yearShare * Double(fullest.value) && authorityYears.contains(year) {
                let lines = (firstLines[year] ?? []).sorted()
                problems.append(InputProblem(
                    file: path, line: lines.first, field: layout.year >= 0 ? layout.header[layout.year] : nil,
                    message: "year \(year) has only \(n) row(s) (line(s) \(lines.prefix(5).map(String.init).joined(separator: ", "))) while \(fullest.key) has \(fullest.value): a typo in time_period? It would otherwise decide the scoring year"))
                problemTotal += 1
            }
        }
        foldJointReturns(&records, path: path, warnings: &warnings)
        // One geography and year once per file (a run would stop merging it; validate lists it with the rest).
        var firstLine: [TidyRecordKey: Int] = [:]
        firstLine.reserveCapacity(records.count)
        for i in records.indices {
            let key = records[i].key
            if let line = firstLine[key] {
                problems.append(InputProblem(file: path, line: records[i].source.line,
                                             message: "\(records[i].label) \(key.year) is also on line \(line) of this file: one geography and year may appear once"))
                problemTotal += 1
            } else {
                firstLine[key] = records[i].source.line
            }
        }
        // Published values against the per-measure rules.
        let columnName = Dictionary(layout.measures.map { ($0.0, $0.2) }, uniquingKeysWith: { a, _ in a })
        let steps = PublicationSteps(records, measures: rules.ratioMeasures)
        for (i, findings) in ValidityRules.findings(records, rules: rules, steps: steps, threads: threads) {
            for finding in findings {
                let field = columnName[finding.measure] ?? finding.measure.rawValue
                var message = "\(records[i].label) \(records[i].year): \(finding.message)"
                let severity: RuleSeverity = finding.consistency && strict ? .error : finding.severity
                if finding.consistency && !strict {
                    // DfE's figures, not the user's to fix: named, and on an authority's row the
                    // score takes the figure its counts give (the counts feed every other indicator).
                    if records[i].level == .localAuthority, let counts = finding.fromCounts {
                        let rounded = (counts * 100).rounded() / 100
                        records[i].values[finding.measure] = .value(rounded)
                        message += "; scored as \(ValidityRules.show(rounded)), the figure from the counts"
                    } else {
                        message += "; kept as published (\(records[i].level == .national ? "national" : "regional") row)"
                    }
                }
                switch severity {
                case .error:
                    problems.append(InputProblem(file: path, line: records[i].source.line, field: field,
                                                 message: message + (finding.consistency ? " (strict)" : "")))
                    problemTotal += 1
                case .warning:
                    records[i].notes.append("\(finding.measure.rawValue) \(finding.message)")
                    warnings.append(InputProblem(file: path, line: records[i].source.line, field: field, message: message).description)
                }
            }
        }
        if !problems.isEmpty {
            problems.sort { ($0.line ?? 0, $0.field ?? "") < ($1.line ?? 0, $1.field ?? "") }
            var listed = Array(problems.prefix(maxProblems))
            if problemTotal > listed.count {
                listed.append(InputProblem(file: path, message: "\(problemTotal - listed.count) more problem(s) not listed (wfrisk validate lists them all)"))
            }
            throw WFRiskError.inputs(listed)
        }
        let release = sinks.map(\.latest).max().flatMap { $0 == Int.min ? nil : $0 }
        return TidyFile(path: path, records: records, measures: layout.measures.map(\.0), rowCount: rowCount, warnings: warnings,
                        sha256: sha256, rowsByYear: rowsByYear, releaseYear: release)
    }

    /// The unit each measure is published to (`step(level, measure)`): 10 when every value of it
    /// on that level's rows is a multiple of ten (the 2016 release's regional counts), 1 when every
    /// value is a whole number (the 2015 release's rates), each over at least 8 values; a level
    /// with fewer values (the one national row) takes the whole file's step; else 0.1 (one
    /// decimal, as EES files publish). Flat tables: this visits every value of every row.
    struct PublicationSteps: Sendable {
        /// Slot per (level, measure); level 3 is the whole file.
        private var seen: [Int], whole: [Bool], tens: [Bool]

        init(_ records: [TidyRecord], measures: [Measure]) {
            let n = 4 * Measure.count
            seen = Array(repeating: 0, count: n)
            whole = Array(repeating: true, count: n)
            tens = Array(repeating: true, count: n)
            // By index, reading the values in place (not a copy of each record), and each value
            // counted into its level's slot and the whole file's without an array of the two.
            for r in records.indices {
                let level = Self.slot(records[r].level)
                for m in measures {
                    guard let v = records[r].values.number(m) else { continue }
                    let isWhole = v == v.rounded(), isTens = v == (v / 10).rounded() * 10
                    for i in stride(from: level * Measure.count + m.ordinal, through: 3 * Measure.count + m.ordinal,
                                    by: (3 - level) * Measure.count) {
                        seen[i] += 1
                        whole[i] = whole[i] && isWhole
                        tens[i] = tens[i] && isTens
                    }
                }
            }
        }

        private static func slot(_ level: GeographicLevel) -> Int {
            switch level {
            case .national: return 0
            case .regional: return 1
            case .localAuthority: return 2
            }
        }

        /// The same steps in arrays of their own (`Array.unshared`).
        var unshared: PublicationSteps {
            var copy = self
            (copy.seen, copy.whole, copy.tens) = (seen.unshared, whole.unshared, tens.unshared)
            return copy
        }

        func step(_ level: GeographicLevel, _ m: Measure) -> Double {
            // The level's slot, then the whole file's (two indices, not an array of them: this
            // runs for every ratio checked).
            var i = Self.slot(level) * Measure.count + m.ordinal
            if seen[i] < 8 { i = 3 * Measure.count + m.ordinal }
            return seen[i] < 8 ? 0.1 : (tens[i] ? 10 : (whole[i] ? 1 : 0.1))
        }
    }

    /// Resolves a local-authority row to its reporting unit through the registry: by 3-digit code,
    /// then 9-character code, then name. Combined units (`314 / 318`) keep all members. A code the
    /// registry does not know, or codes and a name that belong to different authorities, are
    /// problems (with the authority the other fields point to as a suggestion): scoring such a
    /// row would put one authority's figures under another's name.
    func resolveUnit(old: String, new: String, name: String, year: Int) -> Result<ReportingUnit, InputProblem> {
        resolve(old: old, new: new, name: name, year: year).map(\.unit)
    }

    /// `resolveUnit` with what resolving had to assume: an ONS code the registry does not know,
    /// on a row whose 3-digit code and name agree on a known authority, is read as that authority
    /// (a code that moved after a boundary or recoding change), with a warning naming the new code.
    func resolve(old: String, new: String, name: String, year: Int) -> Result<(unit: ReportingUnit, warnings: [String]), InputProblem> {
        var warnings: [String] = []
        let olds = AuthorityRegistry.splitCombined(old)
        let news = AuthorityRegistry.splitCombined(new)
        let names = name.utf8.contains(0x2F) && name.contains(" / ") ? name.components(separatedBy: " / ") : (name.isEmpty ? [] : [name])
        let count = max(olds.count, news.count, names.count)
        guard count > 0 else {
            return .failure(InputProblem(file: "", field: "old_la_code", message: "local-authority row with no code or name"))
        }
        func describe(_ a: Authority) -> String { "\(a.name) (\(a.oldCode), \(a.newCode))" }
        var members: [String] = []
        for i in 0..<count {
            let o = i < olds.count ? olds[i] : "", n = i < news.count ? news[i] : "", nm = i < names.count ? names[i] : ""
            let byOld = o.isEmpty ? nil : registry.authority(oldCode: o)
            let byNew = n.isEmpty ? nil : registry.authority(newCode: n)
            let byName = nm.isEmpty ? nil : registry.authority(named: nm, year: year)
            let nameCodes = nm.isEmpty ? [] : registry.oldCodes(named: nm)
            if !o.isEmpty && byOld == nil {
                let hint = (byNew ?? byName).map { "; the row's other fields point to \(describe($0))" } ?? "; a new authority can be added to a registry given as inputs.reference.authorities (wfrisk validate --authorities)"
                return .failure(InputProblem(file: "", field: "old_la_code", message: "'\(o)' is not a known LA code\(hint)"))
            }
            if !n.isEmpty && byNew == nil, let byOld, !nm.isEmpty, nameCodes.contains(byOld.oldCode) {
                warnings.append("'\(n)' is not an ONS code the registry knows for \(describe(byOld)); the row's 3-digit code and name agree, so it is read as \(byOld.name) under a new code")
            } else if !n.isEmpty && byNew == nil {
                let hint = (byOld ?? byName).map { "; the row's other fields point to \(describe($0))" } ?? ""
                return .failure(InputProblem(file: "", field: "new_la_code", message: "'\(n)' is not a known ONS code for an authority\(hint)"))
            }
            if let byOld, let byNew, byOld.oldCode != byNew.oldCode {
                return .failure(InputProblem(file: "", field: "new_la_code",
                                             message: "'\(n)' is \(describe(byNew)) but old_la_code '\(o)' is \(describe(byOld))"))
            }
            guard let found = byOld ?? byNew ?? byName else {
                return .failure(InputProblem(file: "", field: "la_name", message: "authority '\(nm)' is not in the registry and the row has no code"))
            }
            if !nameCodes.isEmpty && !nameCodes.contains(found.oldCode) {
                let owners = nameCodes.compactMap { registry.authority(oldCode: $0) }.map(describe).joined(separator: " or ")
                return .failure(InputProblem(file: "", field: "la_name",
                                             message: "'\(nm)' is the name of \(owners), but the row's code is \(describe(found))"))
            }
            members.append(found.oldCode)
        }
        return .success((ReportingUnit(memberCodes: members), warnings))
    }

    /// `2023` → 2023; `202223` (financial year) → 2023; `2022-23` → 2023.
    static func parseYear(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.count == 4, let y = Int(t), (1900...2100).contains(y) { return y }
        let digits = t.filter(\.isNumber)
        if digits.count == 6, let start = Int(digits.prefix(4)), let end = Int(digits.suffix(2)), (start + 1) % 100 == end {
            return start + 1
        }
        return nil
    }
}
