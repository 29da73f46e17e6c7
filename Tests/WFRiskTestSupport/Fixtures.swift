import Foundation
import WFRisk
import WFRiskCore
import WFRiskIngest
import WFRiskScoring

/// Paths and helpers shared by the tests.
package enum Fixtures {
    package static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `../shared/data` beside the repository (real DfE data; absent in a newcomer's clone).
    package static let sharedData = ((repoRoot as NSString).deletingLastPathComponent as NSString).appendingPathComponent("shared/data")
    package static var sharedAvailable: Bool {
        FileManager.default.fileExists(atPath: sharedData + "/dfe/csww_indicators_2017_to_2023.csv")
    }
    package static let sharedSkipMessage = "../shared/data is not present beside the repository (a newcomer's clone): real-data test skipped"

    package static var realWorkforce: String { sharedData + "/dfe/csww_indicators_2017_to_2023.csv" }
    package static var realB1: String { sharedData + "/dfe/b1_children_in_need_2013_to_2023.csv" }
    package static var realC1: String { sharedData + "/dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2023.csv" }
    /// The next releases (February 2025 and autumn 2024), the ONS child population, and the
    /// 2015 and 2016 statistical first releases' wide underlying data.
    package static var realWorkforce2024: String { sharedData + "/dfe/csww_indicators_2017_to_2024.csv" }
    package static var realB1_2024: String { sharedData + "/dfe/b1_children_in_need_2013_to_2024.csv" }
    package static var realC1_2024: String { sharedData + "/dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv" }
    package static var realPopulation: String { sharedData + "/ons/ons_mid-year_population_estimates_2012_to_2024.csv" }
    package static var realSFR2015: String { sharedData + "/dfe/older/SFR07_2016_UD_csww_2015.csv" }
    package static var realSFR2016: String { sharedData + "/dfe/older/SFR08_2017_UD_csww_2016.csv" }
    package static var realNeighbours: String { sharedData + "/reference/statistical_neighbours_2025.csv" }
    package static var realInspections: String { sharedData + "/inspections" }
    /// A pipeline over every real input with `min_coverage` 0.9. Under methodology 2.0.0 every
    /// 2023 unit has a score at the default minimum (docs/validity.md); this one makes the units
    /// with a suppressed absence rate unscoreable, so outputs are exercised on real exclusions.
    package static func strictRealPipeline() throws -> String {
        let path = temporaryDirectory("strict") + "/strict.yml"
        try write("""
            name: strict
            inputs:
              workforce:
                - \(realWorkforce)
              demand:
                - \(realB1)
                - \(realC1)
              inspections:
                - \(realInspections)
              reference:
                neighbours: \(realNeighbours)
            settings:
              scoring:
                min_coverage: 0.9

            """, to: path)
        return path
    }

    package static var realOfsted: String { sharedData + "/ofsted/ofsted_la_judgements_2014_to_2021-09.csv" }

    package static func temporaryDirectory(_ name: String = #function) -> String {
        let dir = NSTemporaryDirectory() + "wfrisk-tests-\(getpid())-\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Units a page in `report/` in `unitPagesPipeline`.
    package static let unitsPerPage = 5

    /// A synthetic workforce file and a pipeline (`dir/p.yml`, outputs in `dir/out`, one run
    /// kept) above the report's unit-page threshold (3 units), `unitsPerPage` units a page in
    /// `report/`, in `formats` (nil: the default four).
    package static func unitPagesPipeline(in dir: String, seed: UInt64, formats: String? = nil) throws -> String {
        try write(workforceCSV(SyntheticData.rows(seed: seed)), to: dir + "/wf.csv")
        try write("inputs:\n  workforce: [wf.csv]\nsettings:\n  report:\n    unit_pages_above: 3\n    units_per_page: \(unitsPerPage)\n"
            + "outputs:\n  directory: out\n  keep_runs: 1\n" + (formats.map { "  formats: \($0)\n" } ?? ""), to: dir + "/p.yml")
        return dir + "/p.yml"
    }

    package static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    package static func registry() throws -> AuthorityRegistry { try AuthorityRegistry.bundled() }

    package static func reader() throws -> TidyFileReader {
        TidyFileReader(aliases: try ColumnAliases.bundled(), markers: try SuppressionMarkers.bundled(), registry: try registry())
    }

    package static func settings() throws -> ScoringSettings { try RunSettings.defaults().scoring }

    /// The built `wfrisk` executable (beside the test bundle).
    /// `WFRISK_TEST_EXECUTABLE` runs the CLI tests against another build (e.g. an older one, to
    /// check that a test fails without the change it covers).
    package static var executable: String {
        if let other = ProcessInfo.processInfo.environment["WFRISK_TEST_EXECUTABLE"] { return other }
        let candidates = [
            (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/wfrisk",
            Bundle.main.bundleURL.appendingPathComponent("wfrisk").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("wfrisk").path,
            repoRoot + "/.build/debug/wfrisk",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    package struct Outcome {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    /// Runs the CLI (`executable`, or the build's) and waits for it.
    @discardableResult
    package static func run(_ arguments: [String], cwd: String = repoRoot, environment: [String: String] = [:],
                            executable: String? = nil) throws -> Outcome {
        let process = try start(arguments, cwd: cwd, environment: environment, executable: executable)
        let out = process.standardOutput as! Pipe, err = process.standardError as! Pipe
        // Both pipes drained at once: a run that logs more than a pipe holds (hundreds of revision
        // warnings) on stderr would otherwise block while stdout is read to its end.
        nonisolated(unsafe) var errData = Data()
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        reading.wait()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    package static func start(_ arguments: [String], cwd: String = repoRoot, environment: [String: String] = [:],
                              executable: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? self.executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// A DfE-shaped workforce CSV from rows of (year, code, name, inpost, starters, leavers, agency, vacancies, holders, cases, absence).
    package static func workforceCSV(_ rows: [SyntheticRow], national: Bool = true) -> String {
        var lines = ["time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,inpost_fte,starters_fte,leavers_fte,turnover_rate_fte,agency_fte,agency_rate_fte,vacancy_fte,vacancy_rate_fte,case_holders_fte,cases,caseload_fte,absence_rate_fte"]
        func cells(_ r: SyntheticRow) -> String {
            let turnover = r.inpost > 0 ? Decimals.format(100 * r.leavers / r.inpost, 1) : "z"
            let agencyRate = r.agency + r.inpost > 0 ? Decimals.format(100 * r.agency / (r.agency + r.inpost), 1) : "z"
            let vacancyRate = r.vacancies + r.inpost > 0 ? Decimals.format(100 * r.vacancies / (r.vacancies + r.inpost), 1) : "z"
            let caseload = r.holders > 0 ? Decimals.format(r.cases / r.holders, 1) : "z"
            return [r.inpost, r.starters, r.leavers].map { Decimals.format($0, 1) }.joined(separator: ",") + ",\(r.turnoverOverride ?? turnover),"
                + "\(Decimals.format(r.agency, 1)),\(agencyRate),\(Decimals.format(r.vacancies, 1)),\(vacancyRate),"
                + "\(Decimals.format(r.holders, 1)),\(Decimals.format(r.cases, 0)),\(caseload),\(r.absence)"
        }
        for r in rows {
            lines.append("\(r.year),Reporting year,Local authority,E92000001,England,\(r.regionCode),\(r.regionName),\(r.code),\(r.newCode),\"\(r.name)\",\(cells(r))")
        }
        if national {
            for year in Set(rows.map(\.year)).sorted() {
                let ys = rows.filter { $0.year == year }
                var t = SyntheticRow(year: year, code: "", newCode: "", name: "")
                t.inpost = ys.map(\.inpost).reduce(0, +); t.starters = ys.map(\.starters).reduce(0, +); t.leavers = ys.map(\.leavers).reduce(0, +)
                t.agency = ys.map(\.agency).reduce(0, +); t.vacancies = ys.map(\.vacancies).reduce(0, +)
                t.holders = ys.map(\.holders).reduce(0, +); t.cases = ys.map(\.cases).reduce(0, +); t.absence = "3.0"
                lines.append("\(year),Reporting year,National,E92000001,England,,,,,,\(cells(t))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

package struct SyntheticRow {
    package var year: Int
    package var code: String
    package var newCode: String
    package var name: String
    package var regionCode = "E12000001"
    package var regionName = "North East"
    package var inpost = 100.0
    package var starters = 15.0
    package var leavers = 15.0
    package var agency = 15.0
    package var vacancies = 15.0
    package var holders = 65.0
    package var cases = 1040.0
    package var absence = "3.0"
    package var turnoverOverride: String?

    package init(year: Int, code: String, newCode: String, name: String) {
        self.year = year
        self.code = code
        self.newCode = newCode
        self.name = name
    }
}

/// Random but reproducible synthetic authorities for property tests.
package enum SyntheticData {
    package static let authorities: [(String, String, String)] = [
        ("841", "E06000005", "Darlington"), ("805", "E06000001", "Hartlepool"), ("806", "E06000002", "Middlesbrough"),
        ("807", "E06000003", "Redcar and Cleveland"), ("808", "E06000004", "Stockton-on-Tees"), ("390", "E08000037", "Gateshead"),
        ("391", "E08000021", "Newcastle upon Tyne"), ("392", "E08000022", "North Tyneside"), ("393", "E08000023", "South Tyneside"),
        ("394", "E08000024", "Sunderland"), ("840", "E06000047", "County Durham"), ("929", "E06000057", "Northumberland"),
    ]

    package static func rows(seed: UInt64, years: ClosedRange<Int> = 2021...2023) -> [SyntheticRow] {
        var rng = SeededRandom(seed: seed)
        var out: [SyntheticRow] = []
        for year in years {
            for (code, newCode, name) in authorities {
                var r = SyntheticRow(year: year, code: code, newCode: newCode, name: name)
                draw(&r, &rng)
                out.append(r)
            }
        }
        return out
    }

    /// Random figures for one row, drawn in a fixed order (in post, leavers, starters, agency,
    /// vacancies, cases, then absence when asked), so a generator gives the same rows wherever
    /// it is used. In post is `inpost.base + inpost.span × u`.
    package static func draw(_ r: inout SyntheticRow, _ rng: inout SeededRandom,
                             inpost: (base: Double, span: Double) = (60, 240), absence: Bool = true) {
        r.inpost = inpost.base + inpost.span * rng.unit()
        r.leavers = r.inpost * (0.05 + 0.25 * rng.unit())
        r.starters = r.inpost * (0.05 + 0.25 * rng.unit())
        r.agency = r.inpost * (0.02 + 0.3 * rng.unit())
        r.vacancies = r.inpost * (0.02 + 0.3 * rng.unit())
        r.holders = r.inpost * 0.65
        r.cases = r.holders * (12 + 8 * rng.unit())
        if absence { r.absence = Decimals.format(1.5 + 4 * rng.unit(), 1) }
    }

    /// `rows` with thirty more current authorities of the registry (those not already in
    /// `authorities`) for 2021-2023, their figures drawn by `draw`: a wider field, so ranks
    /// have room to move.
    package static func widened(_ rows: [SyntheticRow], rng: inout SeededRandom,
                                inpost: (base: Double, span: Double), absence: Bool) throws -> [SyntheticRow] {
        let used = Set(authorities.map(\.0))
        let extra = try Fixtures.registry().all.filter { $0.validTo == nil && $0.validFrom == nil && !used.contains($0.oldCode) }
            .prefix(30).map { ($0.oldCode, $0.newCode, $0.name) }
        var out = rows
        for year in 2021...2023 {
            for (code, newCode, name) in extra {
                var r = SyntheticRow(year: year, code: code, newCode: newCode, name: name)
                draw(&r, &rng, inpost: inpost, absence: absence)
                out.append(r)
            }
        }
        return out
    }

    /// Scores a CSV text written to a temporary file.
    package static func score(_ csv: String, settings: ScoringSettings? = nil, file: String = "wf.csv") throws -> ScoreTable {
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/" + file
        try Fixtures.write(csv, to: path)
        let dataset = try TidyDataset.merge([try Fixtures.reader().read(path: path, wanted: Measure.workforce, kind: "workforce")])
        return try Scorer.score(ScoringInput(workforce: dataset, registry: try Fixtures.registry(), settings: try settings ?? Fixtures.settings()))
    }
}
