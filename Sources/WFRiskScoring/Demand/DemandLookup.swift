import WFRiskCore
import WFRiskIngest

/// Finds a workforce reporting unit's demand rates (children in need, referrals, per
/// 10,000 children) in DfE's b1 / c1 files, across joint returns and boundary changes.
struct DemandLookup {
    let dataset: TidyDataset
    let registry: AuthorityRegistry
    /// Demand year: the latest demand year not after the workforce year (CIN years end
    /// 31 March, six months before the workforce census of the same `time_period`).
    let demandYear: Int?
    let workforceYear: Int
    let inYear: [ReportingUnit: TidyRecord]

    init(dataset: TidyDataset, registry: AuthorityRegistry, year: Int) {
        self.dataset = dataset
        self.registry = registry
        workforceYear = year
        demandYear = dataset.years.filter { $0 <= year }.max()
        inYear = demandYear.map { dataset.localAuthorities(in: $0) } ?? [:]
    }

    /// The unit's rate per 10,000 children as published or pooled (unshrunk: the scorer shrinks it
    /// with the year's `Shrinker`).
    struct Result {
        var value: Double?
        var note: String?
        /// Children the rate is of (implied by count and rate), when known.
        var children: Double? = nil
    }

    func rate(_ unit: ReportingUnit, count: Measure, rate: Measure) -> Result {
        guard let demandYear else {
            return Result(note: "no demand data for \(workforceYear) or earlier")
        }
        var note: String? = demandYear == workforceYear ? nil : "demand figures are for \(demandYear)"
        // The same unit, or its members reported separately (joint workforce return).
        var parts: [TidyRecord] = []
        if let r = inYear[unit] {
            parts = [r]
        } else {
            let separate = unit.memberCodes.compactMap { inYear[ReportingUnit($0)] }
            if separate.count == unit.memberCodes.count {
                parts = separate
            } else {
                // A predecessor still reported in demand data (Cumbria for Cumberland).
                let predecessors = registry.predecessors(of: unit)
                if let p = predecessors.first(where: { inYear[ReportingUnit($0.oldCode)] != nil }) {
                    parts = [inYear[ReportingUnit(p.oldCode)]!]
                    note = "demand rate is \(p.name)'s (\(demandYear)), the predecessor authority"
                }
            }
        }
        guard !parts.isEmpty else { return Result(note: "no demand row for \(unit.key) in \(demandYear)") }
        var counts = 0.0, children = 0.0
        var rates: [Double] = []
        for p in parts {
            guard let r = p.values[rate]?.number else {
                return Result(note: "\(rate.rawValue): \(p.values[rate]?.missingReason ?? "no column") at \(p.source)")
            }
            rates.append(r)
            if let c = p.values[count]?.number, r > 0 {
                counts += c
                children += c * 10_000 / r
            } else {
                children = .nan
            }
        }
        let raw = children.isFinite && children > 0 ? 10_000 * counts / children : rates.reduce(0, +) / Double(rates.count)
        return Result(value: raw, note: note, children: children.isFinite && children > 0 ? children : nil)
    }

    /// England's published rate in the demand year used.
    func englandRate(_ rate: Measure) -> Double? { demandYear.flatMap { englandRate($0, rate) } }

    private func englandRate(_ year: Int, _ rate: Measure) -> Double? {
        dataset.national(year: year)?.values[rate]?.number
    }
}
