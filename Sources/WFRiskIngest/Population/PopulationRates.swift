import WFRiskCore

/// Demand rates from counts over the child population, for children-in-need releases that give
/// counts without rates (docs/methodology.md §6).
///
/// DfE's rate for the year to 31 March Y is per 10,000 children aged 0 to 17 in ONS's mid-year
/// estimate of Y-1 (the last estimate before the year ends): on the real b1 and c1 files this
/// reproduces every published local-authority rate of 2013-2022 within 0.05, while the estimate
/// of Y itself misses by a median of 2 to 9. A published rate is always kept; a rate is derived
/// only where the row has the count and no rate.
package enum PopulationRates {
    /// Years between a demand year and the population estimate its rate is of.
    static let yearLag = 1

    /// Fills absent demand rates of `demand` from its counts and `population` (nil: none given),
    /// noting each derived rate on its row and summarising in the dataset's warnings, with what is
    /// missing where a rate stays absent.
    package static func fill(_ demand: inout TidyDataset, population: TidyDataset?, populationPath: String?) {
        var derived: [Measure: Int] = [:], fallback: [Measure: Int] = [:], lacking: [Measure: [String]] = [:]
        for key in demand.records.keys.sorted() {
            var record = demand.records[key]!
            var changed = false
            for (rate, count) in Measure.demandRates {
                guard record.values[rate]?.number == nil, let c = record.values[count]?.number else { continue }
                guard let population, let (children, year) = children(of: record, in: population) else {
                    lacking[rate, default: []].append("\(record.label) \(key.year)")
                    continue
                }
                record.values[rate] = .value(c * 10_000 / children)
                record.notes.append("\(rate.rawValue) from \(count.rawValue) \(TidyDataset.show(.value(c))) over \(TidyDataset.show(.value(children))) children aged 0 to 17 (ONS mid-\(year))")
                derived[rate, default: 0] += 1
                if year != key.year - yearLag { fallback[rate, default: 0] += 1 }
                changed = true
            }
            if changed { demand.records[key] = record }
        }
        for (rate, count) in Measure.demandRates {
            if let n = derived[rate] {
                demand.derivations.append("\(rate.rawValue) derived from \(count.rawValue) over the ONS population of children aged 0 to 17 (\(populationPath ?? "")) for \(n) row(s) without a published rate: the mid-year estimate of the year before each demand year, as DfE's rates are"
                    + (fallback[rate].map { "; for \($0) of them that estimate was missing and the latest earlier one was used" } ?? ""))
            }
            if let rows = lacking[rate] {
                let why = population == nil
                    ? "the demand files give \(count.rawValue) but no \(rate.rawValue), and no population file was given (--population or inputs.population) to derive it"
                    : "the demand files give \(count.rawValue) but no \(rate.rawValue), and the population file (\(populationPath ?? "")) has no estimate for them in or before the year before"
                demand.derivations.append("\(rate.rawValue) absent for \(rows.count) row(s) (\(rows.prefix(3).joined(separator: "; "))\(rows.count > 3 ? "; ..." : "")): \(why)")
            }
        }
        demand.buildIndexes()
    }

    /// Children aged 0 to 17 in the record's area, from the estimate of the year before its year
    /// (or the latest earlier one), with the estimate's year. A joint unit sums its members.
    static func children(of record: TidyRecord, in population: TidyDataset) -> (Double, Int)? {
        let target = record.year - yearLag
        for year in population.years.filter({ $0 <= target }).reversed() {
            if let n = children(of: record, year: year, in: population) { return (n, year) }
        }
        return nil
    }

    private static func children(of record: TidyRecord, year: Int, in population: TidyDataset) -> Double? {
        switch record.level {
        case .national: return population.national(year: year)?.values[.population]?.number
        case .regional: return population.regional(code: record.regionCode, year: year)?.values[.population]?.number
        case .localAuthority:
            guard let unit = record.unit else { return nil }
            if let n = population.record(unit, year: year)?.values[.population]?.number { return n }
            let parts = unit.memberCodes.map { population.record(ReportingUnit($0), year: year)?.values[.population]?.number }
            guard unit.isJoint, parts.allSatisfy({ $0 != nil }) else { return nil }
            return parts.reduce(0) { $0 + $1! }
        }
    }
}
