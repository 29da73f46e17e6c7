import Foundation
import WFRiskCore
import WFRiskIngest

/// Writes synthetic, DfE-shaped inputs: workforce CSVs (in two releases' column names),
/// demand files, statistical neighbours. Values are invented; codes and names come from
/// the registry (or are invented too, for scale tests). Same seed, same bytes.
package struct SampleGenerator {
    package struct Options: Sendable {
        /// nil: every authority in the registry, with its real boundary changes.
        package var authorities: Int?
        package var firstYear: Int
        package var lastYear: Int
        package var seed: UInt64
        /// Inspection texts to write under `inspections/`.
        package var texts: Int
        package init(authorities: Int? = nil, firstYear: Int = 2019, lastYear: Int = 2023, seed: UInt64 = 42, texts: Int = 0) {
            self.authorities = authorities
            self.firstYear = firstYear
            self.lastYear = lastYear
            self.seed = seed
            self.texts = texts
        }
    }

    struct SyntheticLA {
        var authority: Authority
        var baseFTE: Double
        var stress: Double
    }

    let options: Options
    let registry: AuthorityRegistry

    package init(options: Options, registry: AuthorityRegistry) {
        self.options = options
        self.registry = registry
    }

    /// Units reporting in `year`: the registry's authorities alive then, with joint returns combined.
    func units(in year: Int, from las: [SyntheticLA]) -> [[SyntheticLA]] {
        let alive = las.filter { $0.authority.existed(inReportingYear: year) }
        var grouped: [[SyntheticLA]] = []
        var used = Set<String>()
        for joint in registry.jointReturns.keys.sorted() {
            let members = alive.filter { joint.memberCodes.contains($0.authority.oldCode) }
            if members.count == joint.memberCodes.count {
                grouped.append(members)
                used.formUnion(joint.memberCodes)
            }
        }
        for la in alive where !used.contains(la.authority.oldCode) { grouped.append([la]) }
        return grouped.sorted { ($0[0].authority.regionCode, $0[0].authority.name) < ($1[0].authority.regionCode, $1[0].authority.name) }
    }

    func syntheticAuthorities(_ rng: inout SeededRandom) -> [SyntheticLA] {
        let base: [Authority]
        if let n = options.authorities {
            let regions = Array(Set(registry.all.map { "\($0.regionCode)|\($0.regionName)" })).sorted()
            base = (0..<n).map { i in
                let region = regions[i % regions.count].split(separator: "|").map(String.init)
                // Every 50th name has a line break inside its quotes, as some spreadsheet exports do.
                let name = i % 50 == 49 ? "Synthetic Authority \(i + 1),\nBorough of Testing" : "Synthetic Authority \(i + 1), Borough of Testing"
                return Authority(oldCode: String(1000 + i), newCode: String(format: "E99%06d", i), name: name,
                                 type: "UA", regionCode: region[0], regionName: region[1], validFrom: nil, validTo: nil,
                                 successors: [], formerNewCodes: [])
            }
        } else {
            base = registry.all
        }
        return base.map { a in
            let fte: Double
            switch a.oldCode {
            case "201": fte = 11
            case "420": fte = 1.5
            default:
                switch a.type {
                case "SC": fte = 280 + 320 * rng.unit()
                case "MD": fte = 140 + 220 * rng.unit()
                default: fte = 70 + 180 * rng.unit()
                }
            }
            return SyntheticLA(authority: a, baseFTE: fte, stress: rng.normal())
        }
    }

    /// Writes the sample set under `directory`; returns the files written. Rows stream into
    /// in-memory CSV buffers (no per-row objects kept), so a million rows fit comfortably.
    @discardableResult
    package func write(to directory: String) throws -> [String] {
        var rng = SeededRandom(seed: options.seed)
        var las = syntheticAuthorities(&rng)
        var written: [String] = []
        let years = Array(options.firstYear...options.lastYear)
        // Two releases: the earlier years with an older release's column names and order.
        let split = options.authorities == nil ? years.first! + (years.count / 2) : years.first!
        var modern = CSVWriter(), older = CSVWriter(byteOrderMark: true)
        modern.writeRow(Self.modernColumns)
        older.writeRow(Self.olderColumns)
        var b1 = CSVWriter(byteOrderMark: true), c1 = CSVWriter(byteOrderMark: true)
        b1.writeRow(Self.b1Columns)
        c1.writeRow(Self.c1Columns)
        var olderRows = 0, modernRows = 0
        for year in years {
            for i in las.indices { las[i].stress = 0.8 * las[i].stress + 0.45 * rng.normal() }
            var regionTotals: [String: (String, [Double])] = [:]
            var national = [Double](repeating: 0, count: Self.countColumns.count)
            func emit(_ cells: [CSVCell]) {
                if year < split { older.writeRow(reorder(cells)); olderRows += 1 } else { modern.writeRow(cells); modernRows += 1 }
            }
            for unit in units(in: year, from: las) {
                let values = figures(for: unit, year: year, rng: &rng)
                let first = unit[0].authority
                let row = identity(year: year, level: "Local authority", regionCode: first.regionCode, regionName: first.regionName, unit: unit.map(\.authority))
                emit(row + render(values, rng: &rng, tiny: unit.count == 1 && values.counts[0] < 5))
                for (k, v) in values.counts.enumerated() {
                    national[k] += v
                    regionTotals[first.regionCode, default: (first.regionName, [Double](repeating: 0, count: national.count))].1[k] += v
                }
                // Demand files cover the last eleven years, as DfE's b1 and c1 releases do.
                if year > years.last! - 11 {
                    for la in unit { appendDemand(la, year: year, b1: &b1, c1: &c1, rng: &rng) }
                }
            }
            emit(identity(year: year, level: "National", regionCode: "", regionName: "", unit: []) + render(Figures(counts: national), rng: &rng, suppress: false))
            for (code, (name, totals)) in regionTotals.sorted(by: { $0.key < $1.key }) {
                emit(identity(year: year, level: "Regional", regionCode: code, regionName: name, unit: []) + render(Figures(counts: totals), rng: &rng, suppress: false))
            }
        }
        let fm = FileManager.default
        for sub in ["workforce", "demand", "reference"] {
            try fm.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        func save(_ name: String, _ bytes: [UInt8], crlf: Bool = false) throws {
            let out = crlf ? bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] } : bytes
            try FileOutput.writeAtomically(out, to: "\(directory)/\(name)")
            written.append("\(directory)/\(name)")
        }
        if olderRows > 0 {
            try save("workforce/csww_\(years.first!)_to_\(split - 1)_older_release.csv", older.bytes, crlf: true)
        }
        if modernRows > 0 {
            try save("workforce/csww_\(max(split, years.first!))_to_\(years.last!).csv", modern.bytes)
        }
        try save("demand/b1_children_in_need_sample.csv", b1.bytes)
        try save("demand/c1_referrals_sample.csv", c1.bytes)
        var neighbours = CSVWriter()
        neighbours.writeRow(["old_la_code", "la_name"] + (1...10).map { "sn\($0)_old_la_code" })
        for row in neighbourRows(las) { neighbours.writeRow(row) }
        try save("reference/statistical_neighbours_sample.csv", neighbours.bytes)
        if options.authorities != nil {
            // Invented authorities need their own registry for a run to resolve them.
            var registryFile = CSVWriter()
            registryFile.writeRow(["old_la_code", "new_la_code", "la_name", "la_type", "region_code", "region_name", "valid_from", "valid_to", "successors", "former_new_la_codes"])
            for la in las {
                let a = la.authority
                registryFile.writeRow([a.oldCode, a.newCode, a.name, a.type, a.regionCode, a.regionName, "", "", "", ""])
            }
            try save("reference/authorities.csv", registryFile.bytes)
        }
        if options.texts > 0 {
            written += try InspectionTextGenerator(seed: options.seed &+ 1).write(count: options.texts, authorities: las.map(\.authority),
                                                                                  lastYear: options.lastYear, to: "\(directory)/inspections")
        }
        return written
    }

    // MARK: Values

    /// Counts in `countColumns` order.
    struct Figures {
        var counts: [Double]
    }

    static let countColumns = ["inpost_fte", "starters_fte", "leavers_fte", "agency_fte", "vacancy_fte", "case_holders_fte", "cases", "working_days_lost_fte"]

    func figures(for unit: [SyntheticLA], year: Int, rng: inout SeededRandom) -> Figures {
        var total = [Double](repeating: 0, count: Self.countColumns.count)
        for la in unit {
            let s = la.stress
            let inpost = max(0, la.baseFTE * (1 + 0.04 * rng.normal() - 0.02 * s))
            let turnover = min(0.5, max(0.02, 0.155 + 0.045 * s + 0.02 * rng.normal()))
            let leavers = inpost * turnover
            let starters = max(0, leavers * (1.05 - 0.12 * s + 0.1 * rng.normal()))
            let agencyRate = min(0.6, max(0, 0.16 + 0.06 * s + 0.03 * rng.normal()))
            let agency = inpost * agencyRate / (1 - agencyRate)
            let vacancyRate = min(0.6, max(0, 0.17 + 0.06 * s + 0.03 * rng.normal()))
            let vacancies = inpost * vacancyRate / (1 - vacancyRate)
            let holders = inpost * (0.62 + 0.06 * rng.unit())
            let caseload = max(8, 16 + 2.2 * s + 1.5 * rng.normal())
            let absence = max(0.5, 3.2 + 0.6 * s + 0.5 * rng.normal())
            let parts = [inpost, starters, leavers, agency, vacancies, holders, holders * caseload, inpost * 253 * absence / 100]
            for k in parts.indices { total[k] += parts[k] }
        }
        return Figures(counts: total)
    }

    func identity(year: Int, level: String, regionCode: String, regionName: String, unit: [Authority]) -> [CSVCell] {
        [.number(String(year)), .text("Reporting year"), .text(level), .text("E92000001"), .text("England"),
         .text(regionCode), .text(regionName),
         .text(unit.map(\.oldCode).joined(separator: " / ")), .text(unit.map(\.newCode).joined(separator: " / ")),
         .text(unit.map(\.name).joined(separator: " / "))]
    }

    /// Counts and rates as cells, in `modernColumns` order after the identity columns.
    func render(_ f: Figures, rng: inout SeededRandom, suppress: Bool = true, tiny: Bool = false) -> [CSVCell] {
        let c = f.counts
        let (inpost, starters, leavers, agency, vacancies, holders, cases, daysLost) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
        func rate(_ a: Double, _ b: Double) -> Double? { b > 0 ? 100 * a / b : nil }
        func num(_ v: Double?, _ d: Int = 1) -> CSVCell {
            guard let v else { return .text("z") }
            if suppress && rng.chance(0.015) { return .text(rng.pick(["c", "x", "u", "low"])) }
            return .number(Decimals.format(v, d))
        }
        let cover = vacancies > 0 ? 50 + 45 * rng.unit() : nil
        var cells: [CSVCell] = [
            num(inpost), num(inpost.rounded(.up), 0), num(starters), num(starters.rounded(.up), 0), num(leavers), num(leavers.rounded(.up), 0),
            num(rate(leavers, inpost)), num(rate(leavers, inpost)),
            num(agency), num(agency.rounded(.up), 0), num(rate(agency, agency + inpost)), num(rate(agency, agency + inpost)),
            num(min(agency, vacancies)), num(vacancies > 0 ? 100 * min(agency, vacancies) / vacancies : nil),
            num(vacancies), num(rate(vacancies, vacancies + inpost)), num(cover),
            num(holders), num(cases, 0), num(holders > 0 ? cases / holders : nil),
            num(daysLost, 0), num(inpost > 0 ? 100 * daysLost / (inpost * 253) : nil),
        ]
        if tiny {
            // DfE suppresses small-number rates for the tiniest authorities.
            cells[6] = .text("z"); cells[7] = .text("z"); cells[21] = .text("c"); cells[20] = .text("c")
        }
        return cells
    }

    /// An older release: other names for some columns, and a different order.
    func reorder(_ cells: [CSVCell]) -> [CSVCell] {
        Self.olderOrder.map { cells[$0] }
    }

    func appendDemand(_ la: SyntheticLA, year: Int, b1: inout CSVWriter, c1: inout CSVWriter, rng: inout SeededRandom) {
        let a = la.authority
        let children = max(300, la.baseFTE * 450 * (0.9 + 0.2 * rng.unit()))
        let cinRate = max(150, 600 + 90 * la.stress + 40 * rng.normal())
        let refRate = max(150, 540 + 80 * la.stress + 40 * rng.normal())
        let id: [CSVCell] = [.number(String(year)), .text("Reporting year"), .text("Local authority"), .text("E92000001"), .text("England"),
                             .text(a.regionCode), .text(a.regionName), .text(a.oldCode), .text(a.newCode), .text(a.name)]
        let tiny = la.baseFTE < 5
        let cin = (children * cinRate / 10_000).rounded()
        let refs = (children * refRate / 10_000).rounded()
        b1.writeRow(id + [.text("Children in Need"), tiny ? .text("c") : .number(String(Int(cin))), tiny ? .text("c") : .number(Decimals.format(cinRate, 1))])
        c1.writeRow(id + [.text("Referrals and Re-referrals"), tiny ? .text("c") : .number(String(Int(refs))), tiny ? .text("c") : .number(Decimals.format(refRate, 1))])
    }

    func neighbourRows(_ las: [SyntheticLA]) -> [[CSVCell]] {
        let current = las.filter { $0.authority.validTo == nil }
        if current.count > 500 {
            // At scale, the next ten authorities by code (a sort per authority would be quadratic).
            return current.indices.map { i in
                [.text(current[i].authority.oldCode), .text(current[i].authority.name)]
                    + (1...10).map { CSVCell.text(current[(i + $0) % current.count].authority.oldCode) }
            }
        }
        return current.map { la in
            let others = current.filter { $0.authority.oldCode != la.authority.oldCode }
                .sorted { (abs($0.baseFTE - la.baseFTE) + 40 * abs($0.stress - la.stress), $0.authority.oldCode)
                    < (abs($1.baseFTE - la.baseFTE) + 40 * abs($1.stress - la.stress), $1.authority.oldCode) }
            return [.text(la.authority.oldCode), .text(la.authority.name)] + others.prefix(10).map { .text($0.authority.oldCode) }
        }
    }

    // MARK: Layouts

    static let identityColumns = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                                  "region_code", "region_name", "old_la_code", "new_la_code", "la_name"]
    static let measureColumns = [
        "inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte", "leavers_headcount",
        "turnover_rate_fte", "turnover_rate_headcount", "agency_fte", "agency_headcount", "agency_rate_fte", "agency_rate_headcount",
        "agency_cover_fte", "agency_cover_rate_fte", "vacancy_fte", "vacancy_rate_fte", "vacancy_agency_cover_rate_fte",
        "case_holders_fte", "cases", "caseload_fte", "working_days_lost_fte", "absence_rate_fte",
    ]
    static let modernColumns = identityColumns + measureColumns
    /// Indices into `modernColumns`, giving an older release's order.
    static let olderOrder: [Int] = [0, 1, 2, 3, 4, 5, 6, 8, 7, 9] + [10, 14, 12, 16, 18, 20, 21, 22, 24, 26, 25, 27, 28, 29, 30, 31, 11, 13, 15, 17, 19, 23]
    static var olderColumns: [String] {
        let renamed = [
            "inpost_fte": "social_worker_fte", "leavers_fte": "leaver_fte", "turnover_rate_fte": "turnover_rate_fte_%",
            "agency_rate_fte": "agency_worker_rate_fte_%", "vacancy_rate_fte": "vacancy_rate_fte_%", "absence_rate_fte": "absence_rate_fte_%",
            "agency_fte": "agency_worker_fte", "starters_fte": "starter_fte", "case_holders_fte": "case_holding_fte",
        ]
        return olderOrder.map { renamed[modernColumns[$0]] ?? modernColumns[$0] }
    }
    static let b1Columns = identityColumns + ["category", "Anypoint_child", "Anypoint_child_rate"]
    static let c1Columns = identityColumns + ["Category", "Referrals", "Referrals_rate"]
}
