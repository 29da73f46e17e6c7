import Foundation

/// Which years of rows to keep. Scoring needs only the scoring year and the few before it,
/// so a 50-year file need not sit in memory; every row is still parsed and checked.
public enum YearWindow: Sendable {
    case all
    /// The latest `n` years present.
    case latest(Int)
    case range(ClosedRange<Int>)

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
        let latest = records.filter { $0.level == .localAuthority }.map(\.year).max() ?? records.map(\.year).max() ?? 0
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
    }
}

final class LayoutBox: @unchecked Sendable {
    var layout: TidyLayout?
}

/// What one chunk of a file decoded into (touched by one thread only).
final class TidyPartSink: @unchecked Sendable {
    var records: [TidyRecord] = []
    var problems: [InputProblem] = []
    var ignoredLevels: [String: Int] = [:]
    var rowCount = 0
    let window: YearWindow
    var latest = Int.min
    /// Identity of a row (level, codes, name, region) by the hash of its bytes, so repeated
    /// authorities cost no string work.
    var identities: [UInt64: [CachedIdentity]] = [:]

    init(window: YearWindow) { self.window = window }

    func add(_ record: TidyRecord) {
        if record.level == .localAuthority && record.year > latest {
            latest = record.year
            if case .latest = window, records.count > 50_000 { records = records.filter { window.keeps($0.year, latest: latest) } }
        }
        if case .latest = window, !window.keeps(record.year, latest: latest) { return }
        if case .range(let r) = window, !r.contains(record.year) { return }
        records.append(record)
    }
}

struct CachedIdentity {
    var fields: [[UInt8]]
    var level: GeographicLevel?
    var levelText: String
    var unit: ReportingUnit?
    var regionCode, regionName, old, new, name: String
}

/// Turns one CSV record into a `TidyRecord` (or a problem), fast on the common path.
struct DecodeContext: @unchecked Sendable {
    let reader: TidyFileReader
    let path: String

    func decode(_ record: CSVRecord, layout: TidyLayout, into sink: TidyPartSink) throws {
        sink.rowCount += 1
        let line = record.line
        func problem(_ field: String?, _ message: String) {
            if sink.problems.count < reader.maxProblems {
                sink.problems.append(InputProblem(file: path, line: line, field: field, message: message))
            }
        }
        // Year, from bytes when it is four digits.
        let yearBytes = record.field(layout.year)
        var year = 0
        if yearBytes.count == 4, yearBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            year = yearBytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        } else if let y = TidyFileReader.parseYear(record.string(at: layout.year)) {
            year = y
        } else {
            problem(layoutName(layout, layout.year), "'\(record.string(at: layout.year))' is not a year (expected e.g. 2023 or 202223)")
            return
        }
        guard let identity = identity(record, layout: layout, year: year, sink: sink, problem: problem) else { return }
        guard let level = identity.level else {
            sink.ignoredLevels[identity.levelText, default: 0] += 1
            return
        }
        var values = MeasureValues()
        for (measure, index, column) in layout.measures {
            let cell = record.field(index)
            if let v = NumberParsing.parse(cell) {
                values[measure] = .value(v)
            } else {
                let text = record.string(at: index)
                if let reason = reader.markers.reason(for: text) {
                    values[measure] = .missing(reason)
                } else {
                    problem(column, "'\(text)' is neither a number nor a suppression symbol (\(reader.markers.symbols.joined(separator: " ")))")
                }
            }
        }
        sink.add(TidyRecord(
            year: year, level: level, unit: identity.unit, regionCode: identity.regionCode, regionName: identity.regionName,
            publishedOldCode: identity.old, publishedNewCode: identity.new, publishedName: identity.name,
            values: values, source: SourceLocation(file: path, line: line)))
    }

    private func layoutName(_ layout: TidyLayout, _ i: Int) -> String { layout.header[i] }

    /// The row's geography, from the cache when the same bytes were seen before.
    private func identity(_ record: CSVRecord, layout: TidyLayout, year: Int, sink: TidyPartSink,
                          problem: (String?, String) -> Void) -> CachedIdentity? {
        let columns = [layout.level, layout.old, layout.new, layout.name, layout.regionCode, layout.regionName]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in columns {
            if let c {
                for b in record.field(c) { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
            }
            hash = (hash ^ 0x1F) &* 0x100_0000_01b3
        }
        if let candidates = sink.identities[hash] {
            for cached in candidates where zip(columns, cached.fields).allSatisfy({ c, f in
                guard let c else { return f.isEmpty }
                let field = record.field(c)
                return field.count == f.count && (f.isEmpty || memcmp(field.baseAddress!, f, f.count) == 0)
            }) {
                return cached
            }
        }
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
        let identity = CachedIdentity(
            fields: columns.map { c in c.map { Array(record.field($0)) } ?? [] }, level: level, levelText: levelText, unit: unit,
            regionCode: regionCode, regionName: regionName, old: old, new: new, name: name)
        // A name resolved by year (Dorset before and after 2019) must not be reused for other years.
        if !viaName { sink.identities[hash, default: []].append(identity) }
        return identity
    }
}
