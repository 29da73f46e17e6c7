import WFRiskCore
import WFRiskIngest

/// Every reporting unit's, region's and England's workforce figures for every year of a
/// dataset, built once before scoring (one `WorkforceFigures` per record) and shared by every
/// year a run scores.
public struct FigureTable: Sendable {
    /// Local-authority units by year.
    let units: [Int: [ReportingUnit: WorkforceFigures]]
    /// England by year: the National row, or the sum of the local authorities.
    let england: [Int: WorkforceFigures]
    /// Regions by year and region code: the Regional row, or the sum of the region's units.
    let regions: [Int: [String: WorkforceFigures]]
    /// By year: the unit each member code reports in.
    let unitByMember: [Int: [String: ReportingUnit]]
    /// Published identity of each unit-year (codes, name, region); with `identitiesOnly`, the
    /// rows without their values (`TidyRecord.identity`).
    package let records: [Int: [ReportingUnit: TidyRecord]]
    /// Local-authority units of each year in code order (`ReportingUnit <`): the order scoring
    /// goes through them, and the order every sum over them is taken in (a dictionary's order
    /// changes with each process's hash seed, and a floating-point sum with its order).
    package let unitOrder: [Int: [ReportingUnit]]

    /// Built year by year on up to `threads` threads (the years are independent; the table is
    /// the same at any count). `identitiesOnly`: `records` holds the rows without their values,
    /// made here, a year per thread (scoring reads the values through the figures).
    public init(_ dataset: TidyDataset, identitiesOnly: Bool = false, threads: Int = 1) {
        /// One year's part of the table; nil for a year with neither local authorities nor a National row.
        struct Year: Sendable {
            var units: [ReportingUnit: WorkforceFigures]
            var england: WorkforceFigures?
            var regions: [String: WorkforceFigures]
            var members: [String: ReportingUnit]
            var records: [ReportingUnit: TidyRecord]
            var order: [ReportingUnit]
        }
        let built: [Year?] = Parallel.map(dataset.years, threads: threads) { year in
            let las = dataset.localAuthorities(in: year)
            guard !las.isEmpty || dataset.national(year: year) != nil else { return nil }
            // In code order: pooled figures sum the units so, and a code in two units (a
            // member's own row beside a joint return) maps to the same one in every process.
            let order = ReportingUnit.sorted(las.keys)
            var figures: [ReportingUnit: WorkforceFigures] = [:]
            figures.reserveCapacity(las.count)
            var byMember: [String: ReportingUnit] = [:]
            for u in order {
                for m in u.memberCodes { byMember[m] = u }
            }
            // Each row read once, in place (`las.values[i]`): its values and its region code,
            // not the whole row copied out of the table for each (`las[u]!`, a dozen reference
            // counts a copy), once for the figures and again for the regions. Why: reference
            // counting was two fifths of this table's making at 100x (perf, docs/performance.md
            // "Issue 25, session 27"). Neither depends on the visiting order: the figures are one
            // unit's each, and each region's units are sorted before they are summed.
            var inRegions: [String: [ReportingUnit]] = [:]
            var i = las.startIndex
            while i != las.endIndex {
                let u = las.keys[i]
                figures[u] = WorkforceFigures(values: las.values[i].values)
                inRegions[las.values[i].regionCode, default: []].append(u)
                las.formIndex(after: &i)
            }
            var england: WorkforceFigures?
            if let r = dataset.national(year: year) {
                england = WorkforceFigures(record: r)
            } else if !las.isEmpty {
                england = WorkforceFigures.pooled(order.map { figures[$0]! })
            }
            var regional: [String: WorkforceFigures] = [:]
            for (code, inRegion) in inRegions {
                if let r = dataset.regional(code: code, year: year) {
                    regional[code] = WorkforceFigures(record: r)
                } else {
                    regional[code] = WorkforceFigures.pooled(inRegion.sorted().map { figures[$0]! })
                }
            }
            return Year(units: figures, england: england, regions: regional, members: byMember,
                        records: identitiesOnly ? las.mapValues(\.identity) : las, order: order)
        }
        var units: [Int: [ReportingUnit: WorkforceFigures]] = [:]
        var england: [Int: WorkforceFigures] = [:]
        var regions: [Int: [String: WorkforceFigures]] = [:]
        var members: [Int: [String: ReportingUnit]] = [:]
        var records: [Int: [ReportingUnit: TidyRecord]] = [:]
        var order: [Int: [ReportingUnit]] = [:]
        for (year, part) in zip(dataset.years, built) {
            guard let part else { continue }
            units[year] = part.units
            england[year] = part.england
            regions[year] = part.regions
            members[year] = part.members
            records[year] = part.records
            order[year] = part.order
        }
        self.units = units
        self.england = england
        self.regions = regions
        self.unitByMember = members
        self.records = records
        self.unitOrder = order
    }

    /// The figures of `year`'s local-authority units in code order (`unitOrder`).
    func unitsInCodeOrder(_ year: Int) -> [WorkforceFigures] {
        guard let figures = units[year] else { return [] }
        return (unitOrder[year] ?? []).map { figures[$0]! }
    }

    /// Years with local-authority figures, oldest first.
    public var years: [Int] { units.keys.filter { !(units[$0]?.isEmpty ?? true) }.sorted() }

    /// A unit's figures in `year`, falling back to its predecessors' across a boundary change.
    func figures(_ unit: ReportingUnit, _ year: Int, registry: AuthorityRegistry) -> (WorkforceFigures, Comparability)? {
        if let f = units[year]?[unit] { return (f, .same) }
        guard let found = predecessorUnits(unit, year, registry: registry) else { return nil }
        let thatYear = units[year]!
        let names = found.map { u in u.memberCodes.map { registry.authority(oldCode: $0)?.name ?? $0 }.joined(separator: " / ") }
        let successorSet = Set(found.flatMap(\.memberCodes).flatMap { registry.authority(oldCode: $0)?.successors ?? [] })
        let pooled = WorkforceFigures.pooled(found.map { thatYear[$0]! })
        let label = names.joined(separator: " + ")
        if successorSet == Set(unit.memberCodes) { return (pooled, .equivalent(label)) }
        return (pooled, .approximate(label))
    }

    /// The units of `year` that hold `unit`'s predecessors, sorted; nil when there are none.
    func predecessorUnits(_ unit: ReportingUnit, _ year: Int, registry: AuthorityRegistry) -> [ReportingUnit]? {
        let predecessors = registry.predecessors(of: unit)
        guard !predecessors.isEmpty, let byMember = unitByMember[year] else { return nil }
        let found = Set(predecessors.compactMap { byMember[$0.oldCode] })
        return found.isEmpty ? nil : found.sorted()
    }
}

/// How far a unit's figures for an earlier year can be compared with its current ones.
package enum Comparability: Equatable {
    case same
    /// Predecessors covering exactly the unit's area (Northamptonshire for 940 / 941).
    case equivalent(String)
    /// Predecessors covering a different area (Cumbria for Cumberland): rates only.
    case approximate(String)
}
