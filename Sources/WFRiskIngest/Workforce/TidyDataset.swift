import WFRiskCore

/// What to do when two files give different values for the same geography and year.
public enum ReleaseOverlap: String, Sendable, CaseIterable {
    /// DfE revises earlier years in each release: the file whose own latest year is later wins
    /// for every row both give, and each revised value is noted (the run's manifest warnings).
    /// Two files of the same latest year that disagree are still an error.
    case newest
    /// Any disagreement is an error naming both places.
    case strict
}

/// Records from one or more tidy files merged into one view, keyed by geography and year.
///
/// Years split across files merge; a row repeated across files is dropped when its values agree.
/// The same geography and year twice in one file is an error naming both lines. Two files that
/// disagree on a row follow `ReleaseOverlap`. Merging is order-independent, so shuffling files
/// or rows cannot change the result.
public struct TidyDataset: Sendable {
    public internal(set) var records: [TidyRecordKey: TidyRecord] = [:]
    /// The files merged, as read but without their records (those are in `records`): path, rows,
    /// measures, warnings and SHA-256. Keeping each file's record list as well held every record
    /// twice: on the 100x workload (20,000 authorities, 13 years decoded) 74 MB of the run's peak
    /// heap (heaptrack, docs/performance.md).
    public private(set) var files: [TidyFile] = []
    // Indexes built once after merging, so per-unit lookups stay O(1) at national scale.
    private var laByYear: [Int: [ReportingUnit: TidyRecord]] = [:]
    private var nationalByYear: [Int: TidyRecord] = [:]
    public private(set) var years: [Int] = []
    /// Values a newer release revised (`ReleaseOverlap.newest`), one line each.
    private(set) var revisions: [String] = []
    /// What was derived after merging (demand rates from counts and population), one line each.
    var derivations: [String] = []
    private var releaseOf: [String: Int] = [:]
    /// Where each value of a row built from several files came from (rows from one file have none).
    private var measureSources: [TidyRecordKey: [Measure: SourceLocation]] = [:]

    public init() {}

    /// Files read with a year window (`TidyFileReader.read(years:)`) hold only that window's rows.
    /// `threads` build the per-year indexes at once (`buildIndexes`).
    public static func merge(_ files: [TidyFile], overlap: ReleaseOverlap = .newest,
                             maxProblems: Int = 25, threads: Int = 1) throws -> TidyDataset {
        var dataset = TidyDataset()
        var problems: [InputProblem] = []
        // Visit in a fixed order (oldest release first, then by path) so what is kept does not
        // depend on input order.
        let ordered = files.sorted { ($0.releaseYear ?? Int.min, $0.path) < ($1.releaseYear ?? Int.min, $1.path) }
        for f in ordered { dataset.releaseOf[f.path] = f.releaseYear ?? Int.min }
        dataset.records.reserveCapacity(ordered.reduce(0) { $0 + $1.records.count })
        for file in ordered {
            for record in file.records {
                if let problem = dataset.add(record, overlap: overlap) { problems.append(problem) }
            }
        }
        dataset.files = ordered.map { var file = $0; file.records = []; return file }
        if !problems.isEmpty {
            var listed = Array(problems.prefix(maxProblems))
            if problems.count > listed.count {
                listed.append(InputProblem(file: listed[0].file, message: "\(problems.count - listed.count) more problem(s) not listed"))
            }
            throw WFRiskError.inputs(listed)
        }
        dataset.buildIndexes(threads: threads)
        return dataset
    }

    /// Each year's table of local authorities, made at its final size (grown from empty, it was
    /// rehashed, every unit's codes hashed again, at each doubling: half of this function's time
    /// at 100x, perf). The years' tables are made on `threads` threads at once, each year's by
    /// one worker; one thread is the plain path. Why: a quarter of a second of the 100x run's
    /// sequential ingest (perf).
    mutating func buildIndexes(threads: Int = 1) {
        nationalByYear = [:]
        var years = Set<Int>()
        // Where each year's local-authority records are, by one visit of every key; each worker
        // then copies out only its year's. Every key is unique, so the visiting order does not
        // change a table.
        var perYear: [Int: [Dictionary<TidyRecordKey, TidyRecord>.Index]] = [:]
        var i = records.startIndex
        while i != records.endIndex {
            let key = records.keys[i]
            years.insert(key.year)
            switch key.level {
            case .localAuthority: perYear[key.year, default: []].append(i)
            case .national: nationalByYear[key.year] = records.values[i]  // one per year: England is one key (`TidyRecord.key`)
            case .regional: break
            }
            records.formIndex(after: &i)
        }
        let laYears = perYear.keys.sorted(), records = self.records, places = perYear
        let tables = Parallel.map(laYears, threads: threads) { year -> [ReportingUnit: TidyRecord] in
            let here = places[year] ?? []
            var table = [ReportingUnit: TidyRecord](minimumCapacity: here.count)
            for i in here { if let u = records.values[i].unit { table[u] = records.values[i] } }
            return table
        }
        // A year whose local-authority rows all lack a unit has no table, as before the sizing.
        laByYear = [:]
        for (year, table) in zip(laYears, tables) where !table.isEmpty { laByYear[year] = table }
        self.years = years.sorted()
    }

    private mutating func add(_ record: TidyRecord, overlap: ReleaseOverlap) -> InputProblem? {
        let key = record.key
        // One lookup for a key not seen before (nearly every record): insert, and put back what
        // was there in the rare case one was.
        guard var existing = records.updateValue(record, forKey: key) else { return nil }
        records[key] = existing
        if existing.source.file == record.source.file {
            return InputProblem(file: record.source.file, line: record.source.line, field: nil,
                                message: "\(record.label) \(key.year) is also on line \(existing.source.line) of this file: one geography and year may appear once")
        }
        let release = releaseOf[record.source.file] ?? Int.min
        let newer = overlap == .newest && release > (releaseOf[existing.source.file] ?? Int.min)
        // Which file gave each value: a b1 and a c1 file fill one row with different measures,
        // so a later c1 is compared with the c1 value it revises, not with the b1 row's file.
        var sources = measureSources[key] ?? Dictionary(existing.values.map { ($0.0, existing.source) }, uniquingKeysWith: { a, _ in a })
        var revised: [String] = []
        var revisedFrom: [SourceLocation] = []
        for (measure, value) in record.values {
            if let old = existing.values[measure] {
                let from = sources[measure] ?? existing.source
                guard !TidyDataset.same(old, value) else { continue }
                if overlap == .newest && release > (releaseOf[from.file] ?? Int.min) {
                    revised.append("\(measure.rawValue) \(TidyDataset.show(old)) -> \(TidyDataset.show(value))")
                    existing.values[measure] = value
                    if !revisedFrom.contains(from) { revisedFrom.append(from) }
                    sources[measure] = record.source
                    continue
                }
                let a = min(from, record.source), b = max(from, record.source)
                let why = overlap == .strict
                    ? " (overlapping_releases: strict)"
                    : " (both files' latest year is \(releaseOf[record.source.file].map(String.init) ?? "unknown"), so neither is the newer release)"
                return InputProblem(
                    file: b.file, line: b.line, field: measure.rawValue,
                    message: "\(record.label) \(key.year) is also at \(a) with a different \(measure.rawValue) (\(TidyDataset.show(old)) there, \(TidyDataset.show(value)) here)\(why)")
            } else {
                existing.values[measure] = value
                sources[measure] = record.source
            }
        }
        measureSources[key] = sources
        if !revised.isEmpty {
            let from = revisedFrom.map(\.description).joined(separator: ", ")
            revisions.append("\(record.label) \(key.year): \(revised.joined(separator: ", ")) (\(from) revised by the newer release \(record.source))")
        }
        if newer {
            existing.source = record.source
            existing.notes = record.notes
        } else {
            existing.source = min(existing.source, record.source)
        }
        records[key] = existing
        return nil
    }

    static func show(_ o: Observation) -> String {
        switch o {
        case .value(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        case .missing(let r): return r == "empty" ? "(empty)" : r
        }
    }

    private static func same(_ a: Observation, _ b: Observation) -> Bool {
        switch (a, b) {
        case (.value(let x), .value(let y)): return abs(x - y) <= 1e-9 * max(1, abs(x))
        case (.missing(let x), .missing(let y)): return x == y
        default: return false
        }
    }

    /// The dataset's files, years and warnings without its records: what a run still reads of
    /// it once the figure table has been built from it (`Stage.keepAfterUse`, WFRisk). With
    /// `keepingYearIndexes`, `localAuthorities(in:)`, `national(year:)` and `latestYear` still
    /// answer (the dictionaries are shared, not copied); `records`, `record(_:year:)` and
    /// `regional(code:year:)` find nothing.
    package func withoutRecords(keepingYearIndexes: Bool = false) -> TidyDataset {
        var kept = withoutRecords(localAuthorities: keepingYearIndexes ? laByYear : [:])
        if !keepingYearIndexes { kept.nationalByYear = [:] }
        return kept
    }

    /// `withoutRecords(keepingYearIndexes: true)` with `localAuthorities` as each year's local
    /// authorities: the same units' rows as identities only (`TidyRecord.identity`, made once
    /// per year by `FigureTable`), which is all scoring reads of them.
    package func withoutRecords(localAuthorities: [Int: [ReportingUnit: TidyRecord]]) -> TidyDataset {
        var kept = TidyDataset()
        // A year without local authorities has no entry, as in `buildIndexes` (`latestYear`).
        kept.laByYear = localAuthorities.filter { !$0.value.isEmpty }
        kept.nationalByYear = nationalByYear
        kept.files = files
        kept.years = years
        kept.revisions = revisions
        kept.derivations = derivations
        kept.releaseOf = releaseOf
        return kept
    }

    /// Latest year that has local-authority rows.
    public var latestYear: Int? { laByYear.keys.max() }

    public func localAuthorities(in year: Int) -> [ReportingUnit: TidyRecord] {
        laByYear[year] ?? [:]
    }

    public func record(_ unit: ReportingUnit, year: Int) -> TidyRecord? {
        records[TidyRecordKey(year: year, level: .localAuthority, geography: unit.key)]
    }

    public func national(year: Int) -> TidyRecord? {
        nationalByYear[year]
    }

    public func regional(code: String, year: Int) -> TidyRecord? {
        records[TidyRecordKey(year: year, level: .regional, geography: code)]
    }

    public var rowCount: Int { files.reduce(0) { $0 + $1.rowCount } }
    public var warnings: [String] {
        files.flatMap(\.warnings) + revisions.map { "revised by a newer release: \($0)" } + derivations
    }
}
