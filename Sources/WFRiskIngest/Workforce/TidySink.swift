import Foundation
import WFRiskCore

/// Turns the CSV records of one tidy file (or of one part of it, `CSVSplitReader`) into compact
/// rows: the header gives the layout and the column mask, each record is checked and decoded,
/// and `finish` makes the kept rows typed records. It owns the year window: the only place
/// rows are kept or dropped by year.
///
/// Rows are held compactly (year, geography index, line, and the measure slots in flat arrays)
/// and become `TidyRecord`s only once the window is known, so rows outside it never cost more
/// than their parsing and their year.
struct TidySink: CSVSink, Sendable {
    struct Row: Sendable {
        var year: Int32
        var identity: Int32
        var line: Int
    }

    let reader: TidyFileReader
    let path: String
    let wanted: [Measure]
    let kind: String
    let window: YearWindow
    private(set) var layout: TidyLayout?
    /// Warnings about the header (columns that mean the same measure).
    private(set) var headerWarnings: [String] = []
    /// The file's probable first and last data records (`CSVSplitReader.firstRecord`,
    /// `lastRecord`), read before its header.
    var firstRecord: [String]?
    var lastRecord: [String]?
    /// A guess at the file's latest local-authority year (the later of `firstRecord`'s and
    /// `lastRecord`'s years, whatever those records' level; Int.min: none). With a `.latest`
    /// window, rows that even this year would put outside it are not decoded. The reader checks
    /// the guess afterwards (`latest`) and reads again without it if no local-authority row bears
    /// it out. Why both ends: a file is sorted oldest first (the last record is the latest) or,
    /// as DfE publishes them, newest first; with the last record alone, each part of a newest-first
    /// file read in parts guessed only from its own rows and decoded every year (the 100x file
    /// newest first: ingest 1.9–2.4 s against 1.4–1.6 s oldest first).
    private(set) var latestHint = Int.min
    /// Latest local-authority year decoded.
    private(set) var latest = Int.min

    private(set) var rows: [Row] = []
    /// `width` slots per row: the value, and 1 (a number) or a `ReasonTable` code (missing).
    private var numbers: [Double] = []
    private var states: [UInt8] = []
    private var width = 0
    private(set) var problems: [InputProblem] = []
    /// Problems found, listed or not.
    private(set) var problemTotal = 0
    private(set) var ignoredLevels: [String: Int] = [:]
    /// Codes read as a known authority's new code (once per distinct geography).
    private(set) var codeWarnings: [String] = []
    /// Rows whose every field is empty, passed over.
    private(set) var blankRows = 0
    /// Data records read, whatever their level or year.
    private(set) var rowCount = 0
    /// Rows per year in the sane range (whatever their level or window), and the first few lines of each.
    private var yearCounts: [Int] = []
    private var yearLines: [[Int]] = []
    private var geographies = GeographyTable()
    private var symbols = SymbolCodes()

    init(reader: TidyFileReader, path: String, wanted: [Measure], kind: String, window: YearWindow) {
        self.reader = reader
        self.path = path
        self.wanted = wanted
        self.kind = kind
        self.window = window
    }

    var yearRange: ClosedRange<Int> { reader.rules.yearRange }

    // MARK: The year window

    /// Whether a row of `year` can still be in the window (`latest` only ever rises, so a row
    /// outside it now stays outside it).
    @inline(__always) func mayKeep(_ year: Int) -> Bool {
        window.keeps(year, latest: max(latest, latestHint))
    }

    /// The kept rows of all `parts` of one file as typed records, in file order, with the window
    /// applied against the file's latest local-authority year (each part knew only its own).
    ///
    /// With more than one thread the parts are made at once, each straight into its place in the
    /// one array (`Parallel.pieces`): on the 100x workload this was a third of a second of the
    /// ingest's sequential tail (perf). One thread is the plain path, part after part.
    static func finish(_ parts: [TidySink], threads: Int = 1) -> [TidyRecord] {
        var latestLA = Int.min, latestAny = Int.min
        for part in parts {
            latestLA = max(latestLA, part.latest)
            for row in part.rows { latestAny = max(latestAny, Int(row.year)) }
        }
        let latest = latestLA != Int.min ? latestLA : (latestAny != Int.min ? latestAny : 0)
        if threads <= 1 || parts.count < 2 {
            return parts.flatMap { part in part.records { part.window.keeps($0, latest: latest) } }
        }
        let kept = parts.map { part in part.keptRows { part.window.keeps($0, latest: latest) } }
        return Parallel.pieces(kept.map(\.count), threads: threads) { k, piece in
            for (j, i) in kept[k].enumerated() { (piece.baseAddress! + j).initialize(to: parts[k].record(at: i)) }
        }
    }

    /// Drops rows that fell out of the window since `latest` moved on (compacting in place).
    private mutating func compact() {
        let width = self.width, window = self.window, latest = self.latest
        var kept = 0
        rows.withUnsafeMutableBufferPointer { rows in
            numbers.withUnsafeMutableBufferPointer { numbers in
                states.withUnsafeMutableBufferPointer { states in
                    for i in 0..<rows.count where window.keeps(Int(rows[i].year), latest: latest) {
                        if kept != i {
                            rows[kept] = rows[i]
                            (numbers.baseAddress! + kept * width).update(from: numbers.baseAddress! + i * width, count: width)
                            (states.baseAddress! + kept * width).update(from: states.baseAddress! + i * width, count: width)
                        }
                        kept += 1
                    }
                }
            }
        }
        rows.removeLast(rows.count - kept)
        numbers.removeLast(numbers.count - kept * width)
        states.removeLast(states.count - kept * width)
    }

    // MARK: CSVSink

    mutating func header(_ record: CSVRecord) throws -> [Bool]? {
        let l = try TidyLayout(header: record.strings, path: path, aliases: reader.aliases, wanted: wanted, kind: kind, wide: reader.wide,
                               warnings: &headerWarnings)
        let rules = reader.rules
        let absent = rules.required.filter { m in wanted.contains(m) && !l.measures.contains { $0.0 == m } }
        if !absent.isEmpty {
            let why = rules.rules.filter { $0.kind == .required && absent.map(\.rawValue).contains($0.measure) }.map(\.why)
            throw WFRiskError.input(InputProblem(
                file: path, line: record.line,
                message: "missing column(s): \(absent.map(\.rawValue).joined(separator: ", ")) (\(why.joined(separator: "; "))). The file has: \(l.header.joined(separator: ", ")). Add aliases under column_aliases in the pipeline file if these are named differently."))
        }
        layout = l
        width = l.measures.count
        if firstRecord != nil || lastRecord != nil {
            // Only as a first guess (the reader reads again without one the rows do not bear out).
            if let year = l.fixedYear {
                latestHint = year
            } else {
                for fields in [firstRecord, lastRecord].compactMap({ $0 }) where fields.count > l.year {
                    if let year = TidyFileReader.parseYear(fields[l.year]) { latestHint = max(latestHint, year) }
                }
            }
        }
        yearCounts = Array(repeating: 0, count: yearRange.count)
        yearLines = Array(repeating: [], count: yearRange.count)
        return l.neededColumns
    }

    mutating func record(_ record: CSVRecord) throws {
        guard let layout else { return }
        let line = record.line
        // A row of empty fields (a spreadsheet's trailing rows) holds nothing: counted and said.
        if record.field(0).isEmpty && (0..<record.count).allSatisfy({ record.field($0).isEmpty }) {
            blankRows += 1
            return
        }
        rowCount += 1
        // A row of the wrong width has lost or gained a field, so every later cell is another
        // column's: nothing in it can be read.
        if record.count != layout.header.count {
            let hint = record.count == 1 && layout.header.count > 1
                ? FileShape.singleFieldHint(record.string(at: 0).trimmedSpaces)
                : record.count > layout.header.count
                ? "an unquoted comma (a thousands separator such as 1,756, or a comma in a name) splits a field: quote it or remove the separator"
                : "the row ends after field '\(layout.header[max(0, record.count - 1)])': fields are missing (a truncated file or a lost comma)"
            problem(line, nil, "row has \(record.count) field(s) but the header has \(layout.header.count); \(hint)")
            return
        }
        guard let year = layout.fixedYear ?? TidySink.year(record.field(layout.year)) else {
            problem(line, layout.header[layout.year], "'\(record.string(at: layout.year))' is not a year (expected e.g. 2023 or 202223)")
            return
        }
        guard yearRange.contains(year) else {
            problem(line, layout.year >= 0 ? layout.header[layout.year] : nil, "\(year) is outside \(yearRange.lowerBound)-\(yearRange.upperBound) (Resources/validity_rules.csv): a typo in time_period?")
            return
        }
        let y = year - yearRange.lowerBound
        yearCounts[y] += 1
        if yearLines[y].count < 5 { yearLines[y].append(line) }
        // A row outside the year window is counted (its CSV syntax and year were checked) but its
        // geography and cells are not decoded: scoring never sees it.
        guard mayKeep(year) else { return }
        guard let index = identity(record, layout: layout, year: year) else { return }
        let levelCode = geographies.levelCodes[Int(index)]
        guard levelCode != 0 else {
            ignoredLevels[geographies.entries[Int(index)].levelText, default: 0] += 1
            return
        }
        var clean = true
        for k in 0..<width {
            let column = layout.measureColumns[k]
            let cell = record.field(column)
            if let v = DecimalNumber.parse(cell, grouping: true, percent: true) {
                numbers.append(v)
                states.append(1)
            } else if let code = symbols.code(cell, markers: reader.markers) {
                numbers.append(0)
                states.append(code)
            } else {
                clean = false
                problem(line, layout.measures[k].2,
                        "'\(record.string(at: column))' is neither a number nor a suppression symbol (\(reader.markers.symbols.joined(separator: " ")))")
                numbers.append(0)
                states.append(0)
            }
        }
        guard clean else {
            numbers.removeLast(width)
            states.removeLast(width)
            return
        }
        rows.append(Row(year: Int32(year), identity: index, line: line))
        if levelCode == Geography.localAuthorityCode && year > latest {
            latest = year
            if case .latest = window, rows.count > 50_000 { compact() }
        }
    }

    private mutating func problem(_ line: Int, _ field: String?, _ message: String) {
        problemTotal += 1
        if problems.count < reader.maxProblems {
            problems.append(InputProblem(file: path, line: line, field: field, message: message))
        }
    }

    // MARK: Geography

    /// The index of the row's geography in `geographies`, resolving one not seen before through
    /// the registry (once per distinct geography, not per row).
    private mutating func identity(_ record: CSVRecord, layout: TidyLayout, year: Int) -> Int32? {
        geographies.setKey(record, columns: layout.identityColumns)
        if let found = geographies.find(year: year) { return found }
        func text(_ c: Int?) -> String { c.map { record.string(at: $0).trimmedSpaces } ?? "" }
        let old = text(layout.old), new = text(layout.new), name = text(layout.name)
        let levelText = layout.level.map { record.string(at: $0) }
            ?? (layout.fixedYear == nil ? "Local authority"
                : reader.wide.level(hasLACode: !old.isEmpty || !new.isEmpty, hasRegionCode: !text(layout.regionCode).isEmpty))
        let level = GeographicLevel(fileValue: levelText)
        var regionCode = layout.regionCode.map { record.string(at: $0) } ?? ""
        var regionName = layout.regionName.map { record.string(at: $0) } ?? ""
        for (field, value) in [("la_name", name), ("region_name", regionName)] {
            if let why = NameText.problem(value) {
                problem(record.line, field, why)
                return nil
            }
        }
        var unit: ReportingUnit?
        var viaName = false
        if level == .localAuthority {
            switch reader.resolve(old: old, new: new, name: name, year: year) {
            case .success(let (u, said)):
                unit = u
                codeWarnings += said.map { "\(path):\(record.line): \($0)" }
                viaName = AuthorityRegistry.splitCombined(old).isEmpty && AuthorityRegistry.splitCombined(new).isEmpty
                if regionCode.isEmpty, let a = reader.registry.authority(oldCode: u.memberCodes[0]) {
                    regionCode = a.regionCode
                    regionName = a.regionName
                }
            case .failure(let p):
                problem(record.line, p.field, p.message)
                return nil
            }
        } else if level == .regional && regionCode.isEmpty && regionName.isEmpty {
            problem(record.line, "region_code", "regional row without region_code or region_name")
            return nil
        }
        if level == .regional && regionCode.isEmpty { regionCode = regionName }
        return geographies.insert(Geography(level: level, levelText: levelText, unit: unit, regionCode: regionCode,
                                            regionName: regionName, old: old, new: new, name: name),
                                  year: viaName ? year : nil)
    }

    // MARK: Results

    /// The kept rows that `keeps` (by year) admits, as typed records in file order.
    private func records(where keeps: (Int) -> Bool) -> [TidyRecord] {
        keptRows(where: keeps).map(record(at:))
    }

    /// Indices of the rows `records(where:)` makes, in order.
    private func keptRows(where keeps: (Int) -> Bool) -> [Int] {
        guard layout != nil else { return [] }
        return rows.indices.filter { keeps(Int(rows[$0].year)) }
    }

    /// Row `i` as a typed record (the layout is known: a row was kept).
    private func record(at i: Int) -> TidyRecord {
        let row = rows[i]
        let id = geographies.entries[Int(row.identity)]
        var values = MeasureValues()
        let ordinals = layout!.measureOrdinals
        for k in 0..<width {
            values.set(ordinal: ordinals[k], state: states[i * width + k], number: numbers[i * width + k])
        }
        return TidyRecord(
            year: Int(row.year), level: id.level!, unit: id.unit, regionCode: id.regionCode, regionName: id.regionName,
            publishedOldCode: id.old, publishedNewCode: id.new, publishedName: id.name,
            values: values, source: SourceLocation(file: path, line: row.line))
    }

    var rowsByYear: [Int: Int] {
        var out: [Int: Int] = [:]
        for (i, n) in yearCounts.enumerated() where n > 0 { out[yearRange.lowerBound + i] = n }
        return out
    }

    var firstLinesByYear: [Int: [Int]] {
        var out: [Int: [Int]] = [:]
        for (i, lines) in yearLines.enumerated() where !lines.isEmpty { out[yearRange.lowerBound + i] = lines }
        return out
    }

    /// A `time_period` cell as a year: from bytes when it is four digits, else `parseYear`.
    @inline(__always) static func year(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if bytes.count == 4, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        return TidyFileReader.parseYear(TextDecoding.decode(bytes))
    }
}
