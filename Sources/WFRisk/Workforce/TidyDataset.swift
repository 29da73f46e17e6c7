/// Records from one or more tidy files merged into one view, keyed by geography and year.
///
/// Years split across files merge; an exact duplicate row is dropped; the same geography
/// and year with a different value for the same measure is an error naming both places.
/// Merging is order-independent, so shuffling files or rows cannot change the result.
public struct TidyDataset: Sendable {
    public private(set) var records: [TidyRecordKey: TidyRecord] = [:]
    public private(set) var files: [TidyFile] = []
    // Indexes built once after merging, so per-unit lookups stay O(1) at national scale.
    private var laByYear: [Int: [ReportingUnit: TidyRecord]] = [:]
    private var nationalByYear: [Int: TidyRecord] = [:]
    public private(set) var years: [Int] = []

    public init() {}

    /// - Parameter years: rows outside this window (after merging) are dropped.
    public static func merge(_ files: [TidyFile], years: YearWindow = .all) throws -> TidyDataset {
        var dataset = TidyDataset()
        var problems: [InputProblem] = []
        // Visit in a fixed order so the kept source location does not depend on input order.
        let ordered = files.sorted { $0.path < $1.path }
        dataset.records.reserveCapacity(ordered.reduce(0) { $0 + $1.records.count })
        for file in ordered {
            for record in file.records {
                if let problem = dataset.add(record) { problems.append(problem) }
            }
        }
        dataset.files = ordered
        if !problems.isEmpty { throw WFRiskError.inputs(Array(problems.prefix(25))) }
        if case .all = years {} else {
            let kept = years.prune(Array(dataset.records.values))
            if kept.count != dataset.records.count {
                dataset.records = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0) })
            }
        }
        dataset.buildIndexes()
        return dataset
    }

    private mutating func buildIndexes() {
        var years = Set<Int>()
        // Every key is unique, so visiting in dictionary order gives the same indexes as any other.
        for (key, r) in records {
            years.insert(key.year)
            switch r.level {
            case .localAuthority: if let u = r.unit { laByYear[key.year, default: [:]][u] = r }
            case .national: if nationalByYear[key.year] == nil { nationalByYear[key.year] = r }
            case .regional: break
            }
        }
        self.years = years.sorted()
    }

    private mutating func add(_ record: TidyRecord) -> InputProblem? {
        let key = record.key
        guard var existing = records[key] else {
            records[key] = record
            return nil
        }
        for (measure, value) in record.values {
            if let old = existing.values[measure] {
                if !TidyDataset.same(old, value) {
                    let a = min(existing.source, record.source), b = max(existing.source, record.source)
                    return InputProblem(
                        file: b.file, line: b.line, field: measure.rawValue,
                        message: "\(record.unit?.key ?? key.geography) \(key.year) is also at \(a) with a different \(measure.rawValue) (\(old) there, \(value) here)")
                }
            } else {
                existing.values[measure] = value
            }
        }
        existing.source = min(existing.source, record.source)
        records[key] = existing
        return nil
    }

    private static func same(_ a: Observation, _ b: Observation) -> Bool {
        switch (a, b) {
        case (.value(let x), .value(let y)): return abs(x - y) <= 1e-9 * max(1, abs(x))
        case (.missing(let x), .missing(let y)): return x == y
        default: return false
        }
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
    public var warnings: [String] { files.flatMap(\.warnings) }
}
