import Foundation

/// Writes synthetic, DfE-shaped inputs: workforce CSVs (in two releases' column names),
/// demand files, statistical neighbours. Values are invented; codes and names come from
/// the registry (or are invented too, for scale tests). Same seed, same bytes.
public struct SampleGenerator {
    public struct Options: Sendable {
        /// nil: every authority in the registry, with its real boundary changes.
        public var authorities: Int?
        public var firstYear: Int
        public var lastYear: Int
        public var seed: UInt64
        public init(authorities: Int? = nil, firstYear: Int = 2019, lastYear: Int = 2023, seed: UInt64 = 42) {
            self.authorities = authorities
            self.firstYear = firstYear
            self.lastYear = lastYear
            self.seed = seed
        }
    }

    struct SyntheticLA {
        var authority: Authority
        var baseFTE: Double
        var stress: Double
    }

    let options: Options
    let registry: AuthorityRegistry

    public init(options: Options, registry: AuthorityRegistry) {
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
                return Authority(oldCode: String(1000 + i), newCode: String(format: "E99%06d", i), name: "Synthetic Authority \(i + 1), Borough of Testing",
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

    /// Writes the sample set under `directory`; returns the files written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        var rng = SeededRandom(seed: options.seed)
        var las = syntheticAuthorities(&rng)
        var written: [String] = []
        let years = Array(options.firstYear...options.lastYear)
        // Two releases: the earlier years with an older release's column names and order.
        let split = options.authorities == nil ? years.first! + (years.count / 2) : years.last! + 1
        let modern = Self.modernColumns, older = Self.olderColumns
        var modernRows: [[CSVCell]] = [], olderRows: [[CSVCell]] = []
        var demandB1: [[CSVCell]] = [], demandC1: [[CSVCell]] = []
        for year in years {
            for i in las.indices { las[i].stress = 0.8 * las[i].stress + 0.45 * rng.normal() }
            var regionTotals: [String: (String, [Double])] = [:]
            var national = [Double](repeating: 0, count: Self.countColumns.count)
            for unit in units(in: year, from: las) {
                let values = figures(for: unit, year: year, rng: &rng)
                let first = unit[0].authority
                let row = identity(year: year, level: "Local authority", regionCode: first.regionCode, regionName: first.regionName, unit: unit.map(\.authority))
                let cells = row + render(values, rng: &rng, tiny: unit.count == 1 && values.counts[0] < 5)
                if year < split { olderRows.append(reorder(cells)) } else { modernRows.append(cells) }
                for (k, v) in values.counts.enumerated() {
                    national[k] += v
                    regionTotals[first.regionCode, default: (first.regionName, [Double](repeating: 0, count: national.count))].1[k] += v
                }
                for la in unit { (demandB1, demandC1) = appendDemand(la, year: year, b1: demandB1, c1: demandC1, rng: &rng) }
            }
            var aggregate: [[CSVCell]] = []
            aggregate.append(identity(year: year, level: "National", regionCode: "", regionName: "", unit: []) + render(Figures(counts: national), rng: &rng, suppress: false))
            for (code, (name, totals)) in regionTotals.sorted(by: { $0.key < $1.key }) {
                aggregate.append(identity(year: year, level: "Regional", regionCode: code, regionName: name, unit: []) + render(Figures(counts: totals), rng: &rng, suppress: false))
            }
            if year < split { olderRows.append(contentsOf: aggregate.map(reorder)) } else { modernRows.append(contentsOf: aggregate) }
        }
        let fm = FileManager.default
        for sub in ["workforce", "demand", "reference"] {
            try fm.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        func save(_ name: String, _ header: [String], _ rows: [[CSVCell]], crlf: Bool = false, bom: Bool = false) throws {
            var w = CSVWriter(byteOrderMark: bom)
            w.writeRow(header)
            for r in rows { w.writeRow(r) }
            var bytes = w.bytes
            if crlf { bytes = bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] } }
            try FileOutput.writeAtomically(bytes, to: "\(directory)/\(name)")
            written.append("\(directory)/\(name)")
        }
        if !olderRows.isEmpty {
            try save("workforce/csww_\(years.first!)_to_\(split - 1)_older_release.csv", older, olderRows, crlf: true, bom: true)
        }
        if !modernRows.isEmpty {
            try save("workforce/csww_\(max(split, years.first!))_to_\(years.last!).csv", modern, modernRows)
        }
        try save("demand/b1_children_in_need_sample.csv", Self.b1Columns, demandB1, bom: true)
        try save("demand/c1_referrals_sample.csv", Self.c1Columns, demandC1, bom: true)
        try save("reference/statistical_neighbours_sample.csv", ["old_la_code", "la_name"] + (1...10).map { "sn\($0)_old_la_code" },
                 neighbourRows(las))
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

    func appendDemand(_ la: SyntheticLA, year: Int, b1: [[CSVCell]], c1: [[CSVCell]], rng: inout SeededRandom) -> ([[CSVCell]], [[CSVCell]]) {
        var b1 = b1, c1 = c1
        let a = la.authority
        let children = max(300, la.baseFTE * 450 * (0.9 + 0.2 * rng.unit()))
        let cinRate = max(150, 600 + 90 * la.stress + 40 * rng.normal())
        let refRate = max(150, 540 + 80 * la.stress + 40 * rng.normal())
        let id: [CSVCell] = [.number(String(year)), .text("Reporting year"), .text("Local authority"), .text("E92000001"), .text("England"),
                             .text(a.regionCode), .text(a.regionName), .text(a.oldCode), .text(a.newCode), .text(a.name)]
        let tiny = la.baseFTE < 5
        let cin = (children * cinRate / 10_000).rounded()
        let refs = (children * refRate / 10_000).rounded()
        b1.append(id + [.text("Children in Need"), tiny ? .text("c") : .number(String(Int(cin))), tiny ? .text("c") : .number(Decimals.format(cinRate, 1))])
        c1.append(id + [.text("Referrals and Re-referrals"), tiny ? .text("c") : .number(String(Int(refs))), tiny ? .text("c") : .number(Decimals.format(refRate, 1))])
        return (b1, c1)
    }

    func neighbourRows(_ las: [SyntheticLA]) -> [[CSVCell]] {
        let current = las.filter { $0.authority.validTo == nil }
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
