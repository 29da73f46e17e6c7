import Foundation
import WFRiskCore

/// Which years of rows to keep. Scoring needs only the scoring year and the few before it,
/// so a 50-year file need not sit in memory; every row is still parsed and checked.
public enum YearWindow: Sendable {
    case all
    /// The latest `n` years present.
    case latest(Int)
    case range(ClosedRange<Int>)

    var isAll: Bool { if case .all = self { return true } else { return false } }

    func keeps(_ year: Int, latest: Int) -> Bool {
        switch self {
        case .all: return true
        case .latest(let n): return latest == Int.min || year > latest - n
        case .range(let r): return r.contains(year)
        }
    }

    /// Drops records outside the window (for `.latest`, relative to the latest local-authority year).
    public func prune(_ records: [TidyRecord]) -> [TidyRecord] {
        if case .all = self { return records }
        var latestLA = Int.min, latestAny = Int.min
        for r in records {
            latestAny = max(latestAny, r.year)
            if r.level == .localAuthority { latestLA = max(latestLA, r.year) }
        }
        let latest = latestLA != Int.min ? latestLA : (latestAny != Int.min ? latestAny : 0)
        guard records.contains(where: { !keeps($0.year, latest: latest) }) else { return records }
        return records.filter { keeps($0.year, latest: latest) }
    }
}

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

/// The header's layout and the per-part sinks, shared with the parsing threads once the header is read.
final class LayoutBox: @unchecked Sendable {
    var layout: TidyLayout?
    var sinks: [TidyPartSink] = []
}

/// What one chunk of a file decoded into (touched by one thread only). Rows are held compactly
/// (year, identity index, line, and the measure slots in flat arrays) and become `TidyRecord`s
/// only once the year window is known, so rows outside it never cost more than their parsing.
final class TidyPartSink: @unchecked Sendable {
    struct Row {
        var year: Int32
        var identity: Int32
        var line: Int
    }

    private(set) var rows: [Row] = []
    /// `width` slots per row: the value, and 1 (a number) or a `ReasonTable` code (missing).
    private var numbers: [Double] = []
    private var states: [UInt8] = []
    private let width: Int
    private let scratchNumbers: UnsafeMutablePointer<Double>
    private let scratchStates: UnsafeMutablePointer<UInt8>
    var problems: [InputProblem] = []
    /// Problems found, listed or not.
    var problemTotal = 0
    var ignoredLevels: [String: Int] = [:]
    var rowCount = 0
    /// Rows per year in the sane range (whatever their level or window), and the first few lines of each.
    private var yearCounts: [Int]
    private var yearLines: [[Int]]
    let yearRange: ClosedRange<Int>
    let window: YearWindow
    /// Latest local-authority year decoded in this chunk.
    var latest = Int.min
    /// A guess at the file's latest local-authority year (its last record's year, whatever that
    /// record's level; Int.min: none). With a `.latest` window, rows that even this year would put
    /// outside it are not decoded. The reader checks the guess afterwards and reads again
    /// without it if no local-authority row bears it out.
    var latestHint = Int.min
    /// Geographies seen, by the bytes that identified them: repeated authorities cost no string work.
    let geographies = GeographyTable()
    /// Suppression symbols seen, by their packed lowercase bytes: reason code, or 0 for "not a symbol".
    var markerCodes: [UInt64: UInt8] = [:]

    init(window: YearWindow, width: Int, years: ClosedRange<Int>) {
        self.window = window
        self.width = width
        yearRange = years
        yearCounts = Array(repeating: 0, count: years.count)
        yearLines = Array(repeating: [], count: years.count)
        scratchNumbers = .allocate(capacity: max(1, width))
        scratchStates = .allocate(capacity: max(1, width))
    }

    deinit {
        scratchNumbers.deallocate()
        scratchStates.deallocate()
    }

    /// Stores slot `k` of the row being decoded.
    @inline(__always) func set(_ k: Int, number: Double, state: UInt8) {
        scratchNumbers[k] = number
        scratchStates[k] = state
    }

    /// Counts a row of `year` (already checked to be in `yearRange`).
    @inline(__always) func countYear(_ year: Int, line: Int) {
        let i = year - yearRange.lowerBound
        yearCounts[i] += 1
        if yearLines[i].count < 5 { yearLines[i].append(line) }
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

    /// Whether a row of `year` can still be in the window (`latest` only ever rises, so a row
    /// below the window now stays below it).
    @inline(__always) func mayKeep(_ year: Int) -> Bool {
        window.keeps(year, latest: max(latest, latestHint))
    }

    /// Keeps the row just decoded (its slots set through `set`) if its year is in the window.
    func addRow(year: Int, identity: Int32, isLocalAuthority: Bool, line: Int) {
        if isLocalAuthority && year > latest {
            latest = year
            if case .latest = window, rows.count > 50_000 { prune() }
        }
        if case .latest = window, !window.keeps(year, latest: latest) { return }
        if case .range(let r) = window, !r.contains(year) { return }
        rows.append(Row(year: Int32(year), identity: identity, line: line))
        numbers.append(contentsOf: UnsafeBufferPointer(start: scratchNumbers, count: width))
        states.append(contentsOf: UnsafeBufferPointer(start: scratchStates, count: width))
    }

    /// Drops rows that fell out of the window since `latest` moved on (compacting in place).
    private func prune() {
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

    /// The kept rows as typed records, in file order.
    func records(layout: TidyLayout, path: String) -> [TidyRecord] {
        rows.indices.map { i in
            let row = rows[i]
            let id = geographies.entries[Int(row.identity)]
            var values = MeasureValues()
            for k in 0..<width {
                values.set(ordinal: layout.measureOrdinals[k], state: states[i * width + k], number: numbers[i * width + k])
            }
            return TidyRecord(
                year: Int(row.year), level: id.level!, unit: id.unit, regionCode: id.regionCode, regionName: id.regionName,
                publishedOldCode: id.old, publishedNewCode: id.new, publishedName: id.name,
                values: values, source: SourceLocation(file: path, line: row.line))
        }
    }
}

/// A geography seen in a file, resolved once (see `GeographyTable`).
final class CachedIdentity {
    let level: GeographicLevel?
    let levelText: String
    let unit: ReportingUnit?
    let regionCode, regionName, old, new, name: String

    init(level: GeographicLevel?, levelText: String, unit: ReportingUnit?, regionCode: String,
         regionName: String, old: String, new: String, name: String) {
        self.level = level
        self.levelText = levelText
        self.unit = unit
        self.regionCode = regionCode
        self.regionName = regionName
        self.old = old
        self.new = new
        self.name = name
    }
}

/// Turns one CSV record into a compact row of a `TidyPartSink` (or a problem), fast on the common path.
/// A class, so the per-row call does not copy (and retain) the reader's tables.
final class DecodeContext: @unchecked Sendable {
    let reader: TidyFileReader
    let path: String

    init(reader: TidyFileReader, path: String) {
        self.reader = reader
        self.path = path
    }

    func decode(_ record: CSVRecord, layout: TidyLayout, into sink: TidyPartSink) throws {
        sink.rowCount += 1
        let line = record.line
        func problem(_ field: String?, _ message: String) {
            sink.problemTotal += 1
            if sink.problems.count < reader.maxProblems {
                sink.problems.append(InputProblem(file: path, line: line, field: field, message: message))
            }
        }
        // A row of the wrong width has lost or gained a field, so every later cell is another
        // column's: nothing in it can be read.
        if record.count != layout.header.count {
            let hint = record.count > layout.header.count
                ? "an unquoted comma (a thousands separator such as 1,756, or a comma in a name) splits a field: quote it or remove the separator"
                : "the row ends after field '\(layout.header[max(0, record.count - 1)])': fields are missing (a truncated file or a lost comma)"
            problem(nil, "row has \(record.count) field(s) but the header has \(layout.header.count); \(hint)")
            return
        }
        let year: Int
        if let y = DecodeContext.year(record.field(layout.year)) {
            year = y
        } else {
            problem(layout.header[layout.year], "'\(record.string(at: layout.year))' is not a year (expected e.g. 2023 or 202223)")
            return
        }
        guard sink.yearRange.contains(year) else {
            problem(layout.header[layout.year], "\(year) is outside \(sink.yearRange.lowerBound)-\(sink.yearRange.upperBound) (Resources/validity_rules.csv): a typo in time_period?")
            return
        }
        sink.countYear(year, line: line)
        // A row outside the year window is counted (its CSV syntax and year were checked) but its
        // geography and cells are not decoded: scoring never sees it.
        guard sink.mayKeep(year) else { return }
        guard let index = identity(record, layout: layout, year: year, sink: sink, problem: problem) else { return }
        let levelCode = sink.geographies.levelCodes[Int(index)]
        guard levelCode != 0 else {
            sink.ignoredLevels[sink.geographies.entries[Int(index)].levelText, default: 0] += 1
            return
        }
        var clean = true
        layout.measureColumns.withUnsafeBufferPointer { columns in
            for k in 0..<columns.count {
                let cell = record.field(columns[k])
                if let v = NumberParsing.parse(cell) {
                    sink.set(k, number: v, state: 1)
                } else if let code = markerCode(cell, sink: sink) {
                    sink.set(k, number: 0, state: code)
                } else {
                    clean = false
                    let text = record.string(at: columns[k])
                    problem(layout.measures[k].2, "'\(text)' is neither a number nor a suppression symbol (\(reader.markers.symbols.joined(separator: " ")))")
                }
            }
        }
        if clean {
            sink.addRow(year: year, identity: index, isLocalAuthority: levelCode == GeographyTable.levelCode(.localAuthority), line: line)
        }
    }

    /// A `time_period` cell as a year: from bytes when it is four digits, else `parseYear`.
    @inline(__always) static func year(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if bytes.count == 4, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        return TidyFileReader.parseYear(TextDecoding.decode(bytes))
    }

    /// The `ReasonTable` code of a suppression symbol (or empty cell), or nil if `cell` is not one.
    /// Short cells are looked up by their packed lowercase bytes, so a symbol costs no string work.
    private func markerCode(_ cell: UnsafeBufferPointer<UInt8>, sink: TidyPartSink) -> UInt8? {
        var start = 0, end = cell.count
        while start < end, cell[start] == 0x20 || cell[start] == 0x09 { start += 1 }
        while end > start, cell[end - 1] == 0x20 || cell[end - 1] == 0x09 { end -= 1 }
        var key: UInt64 = UInt64(end - start) << 56
        var packable = end - start <= 7
        if packable {
            for i in start..<end {
                var b = cell[i]
                if b >= 0x80 { packable = false; break }
                if b >= 0x41 && b <= 0x5A { b += 0x20 }
                key |= UInt64(b) << (8 * UInt64(i - start))
            }
        }
        if packable, let code = sink.markerCodes[key] { return code == 0 ? nil : code }
        let reason = reader.markers.reason(for: TextDecoding.decode(cell))
        let code = reason.map { ReasonTable.shared.code($0) }
        if packable { sink.markerCodes[key] = code ?? 0 }
        return code
    }

    /// The index of the row's geography in `sink.geographies`, reusing one seen before with the same bytes.
    private func identity(_ record: CSVRecord, layout: TidyLayout, year: Int, sink: TidyPartSink,
                          problem: (String?, String) -> Void) -> Int32? {
        let table = sink.geographies
        table.setKey(record, columns: layout.identityColumns)
        if let found = table.find(year: year) { return found }
        func text(_ c: Int?) -> String { c.map { record.string(at: $0).trimmedSpaces } ?? "" }
        let levelText = layout.level.map { record.string(at: $0) } ?? "Local authority"
        let level = GeographicLevel(fileValue: levelText)
        let old = text(layout.old), new = text(layout.new), name = text(layout.name)
        var regionCode = layout.regionCode.map { record.string(at: $0) } ?? ""
        var regionName = layout.regionName.map { record.string(at: $0) } ?? ""
        var unit: ReportingUnit?
        var viaName = false
        if level == .localAuthority {
            switch reader.resolveUnit(old: old, new: new, name: name, year: year) {
            case .success(let u):
                unit = u
                viaName = AuthorityRegistry.splitCombined(old).isEmpty && AuthorityRegistry.splitCombined(new).isEmpty
                if regionCode.isEmpty, let a = reader.registry.authority(oldCode: u.memberCodes[0]) {
                    regionCode = a.regionCode
                    regionName = a.regionName
                }
            case .failure(let p):
                problem(p.field, p.message)
                return nil
            }
        } else if level == .regional && regionCode.isEmpty && regionName.isEmpty {
            problem("region_code", "regional row without region_code or region_name")
            return nil
        }
        if level == .regional && regionCode.isEmpty { regionCode = regionName }
        return table.insert(CachedIdentity(level: level, levelText: levelText, unit: unit, regionCode: regionCode,
                                           regionName: regionName, old: old, new: new, name: name),
                            year: viaName ? year : nil)
    }

    /// Folds `bytes` into `hash` eight bytes at a time (a multiply-xor mix; only equality of the
    /// bytes matters, and candidates are compared byte for byte anyway).
    @inline(__always) static func mix(_ hash: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = hash ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h &* 0x9E37_79B9_7F4A_7C15 }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }
}
