import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRisk

/// Issue 26 (and issue 27's rate-versus-counts and derived-caseload findings): DfE's releases as
/// they are, old and new, read without the user having to mend them. Each test changes a copy of
/// a real file, made at test time, in the way a later release would.
@Suite(.serialized, .enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
struct AnyReleaseTests {
    static func manifestWarnings(_ runFolder: String) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runFolder + "/manifest.json"))) as! [String: Any]
        return json["warnings"] as? [String] ?? []
    }

    static func table(_ path: String) throws -> (header: [String], rows: [[String]]) {
        let rows = try CSVReader.readAll(path: path).map(\.fields)
        return (rows[0].map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }, Array(rows.dropFirst()))
    }

    /// `value` of `indicator` for every unit in a run's indicators.csv, by old_la_code.
    static func indicatorValues(_ runFolder: String, _ indicator: String) throws -> [String: Double] {
        let t = try table(runFolder + "/indicators.csv")
        let code = t.header.firstIndex(of: "old_la_code")!, name = t.header.firstIndex(of: "indicator")!, value = t.header.firstIndex(of: "value")!
        var out: [String: Double] = [:]
        for r in t.rows where r[name] == indicator { if let v = Double(r[value]) { out[r[code]] = v } }
        return out
    }

    // MARK: 1. Published aggregates are DfE's

    @Test func everyRealReleaseValidatesWithItsWarningsListed() throws {
        for path in [Fixtures.realWorkforce, Fixtures.realWorkforce2024, Fixtures.realB1, Fixtures.realC1, Fixtures.realB1_2024,
                     Fixtures.realC1_2024, Fixtures.realSFR2015, Fixtures.realSFR2016, Fixtures.realPopulation] {
            let v = try Fixtures.run(["validate", path])
            #expect(v.status == 0, "\(path): \(v.stderr)")
            // The measured tolerance: no local-authority row of an EES release disagrees with its counts.
            let authorityRows = v.stdout.split(separator: "\n").filter { $0.contains("disagrees with its own counts") && $0.contains("scored as") }
            if path != Fixtures.realSFR2016 { #expect(authorityRows.isEmpty, "\(path): \(authorityRows)") }
        }
        // The 2016 release's own disagreements on authorities' rows: named, scored from the counts.
        let old = try Fixtures.run(["validate", Fixtures.realSFR2016])
        #expect(old.stdout.contains("field 'D2_FTE_AgencyWorkerRate_2016': Westminster (213) 2016: published 11.8 disagrees with its own counts") && old.stdout.contains("scored as 12.34"), "\(old.stdout)")
        // The two regional rows the 2017-2024 release publishes against its own counts: warnings.
        let v = try Fixtures.run(["validate", Fixtures.realWorkforce2024])
        #expect(v.stdout.contains("West Midlands (E12000005) 2024: published 13.9 disagrees with its own counts"), "\(v.stdout)")
        #expect(v.stdout.contains("North East (E12000001) 2022: published 14.8 disagrees with its own counts"), "\(v.stdout)")
        #expect(v.stdout.contains("kept as published (regional row)"))
        let strict = try Fixtures.run(["validate", "--strict", Fixtures.realWorkforce2024])
        #expect(strict.status == 3)
        #expect(strict.stderr.contains("West Midlands (E12000005) 2024: published 13.9 disagrees"), "\(strict.stderr)")
    }

    @Test func anInconsistentRegionRowIsAWarningAndStrictMakesItAnError() throws {
        var copy = try RealCopy()
        let i = copy.lines.firstIndex { $0.hasPrefix("2023,Reporting year,Regional,E92000001,England,E12000001,") }!
        copy.set(i, "turnover_rate_fte", "19.2") // leavers / in post = 14.2
        let dir = Fixtures.temporaryDirectory()
        let path = try copy.write("region.csv", in: dir)
        let v = try Fixtures.run(["validate", path])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("warning: \(path):\(i + 1): field 'turnover_rate_fte': North East (E12000001) 2023: published 19.2 disagrees with its own counts"), "\(v.stdout)")
        let s = try Fixtures.run(["validate", "--strict", path])
        #expect(s.status == 3)
        #expect(s.stderr.contains("\(path):\(i + 1): field 'turnover_rate_fte'"), "\(s.stderr)")
        let r = try Fixtures.run(["run", "--workforce", path, "--out", dir + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try AnyReleaseTests.manifestWarnings(dir + "/out/latest").contains { $0.contains("North East (E12000001) 2023: published 19.2") })
        try Fixtures.write("name: strict\ninputs:\n  workforce: [region.csv]\nsettings:\n  strict: true\noutputs:\n  directory: strict-out\n", to: dir + "/strict.yml")
        let st = try Fixtures.run(["run", "--pipeline", dir + "/strict.yml", "--quiet"])
        #expect(st.status == 3, "\(st.stderr)")
    }

    /// Issue 27: absence 2.8 read as 3.7 (within the old 1.0-point tolerance) moved Suffolk nine places.
    @Test func anAuthorityRateAgainstItsCountsIsNamedAndScoredFromTheCounts() throws {
        var copy = try RealCopy()
        let i = copy.row(2023, "Suffolk")
        let f = copy.fields(i)
        let days = Double(f[copy.column("working_days_lost_fte")])!, inpost = Double(f[copy.column("inpost_fte")])!
        let fromCounts = (days / (inpost * 253) * 100 * 100).rounded() / 100
        #expect(abs(fromCounts - 3.7) > 0.5, "the real row must be far from the edited value for this test to mean anything")
        copy.set(i, "absence_rate_fte", "3.7")
        let dir = Fixtures.temporaryDirectory()
        let path = try copy.write("suffolk.csv", in: dir)
        let r = try Fixtures.run(["run", "--workforce", path, "--out", dir + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let warnings = try AnyReleaseTests.manifestWarnings(dir + "/out/latest")
        #expect(warnings.contains { $0.contains("\(path):\(i + 1): field 'absence_rate_fte': Suffolk (935) 2023: published 3.7 disagrees") && $0.contains("scored as") },
                "\(warnings.filter { $0.contains("Suffolk") })")
        let absence = try AnyReleaseTests.indicatorValues(dir + "/out/latest", "absence_rate_fte")
        #expect(absence["935"] == fromCounts, "\(String(describing: absence["935"])) vs \(fromCounts)")
    }

    /// Issue 27: a caseload derived from cases and case holders is held to the published caseload's ceiling.
    @Test func aCaseloadDerivedFromCountsIsCheckedAgainstTheCeiling() throws {
        var copy = try RealCopy()
        let i = copy.row(2023, "Suffolk")
        let holders = Double(copy.fields(i)[copy.column("case_holders_fte")])!
        copy.set(i, "caseload_fte", "x")
        copy.set(i, "cases", String(Int((holders * 41_280).rounded())))
        let dir = Fixtures.temporaryDirectory()
        let path = try copy.write("caseload.csv", in: dir)
        let v = try Fixtures.run(["validate", path])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("\(path):\(i + 1): field 'caseload_fte': Suffolk (935) 2023: no caseload_fte published; from its counts cases / (case_holders_fte) = 41280 is above 60"), "\(v.stdout)")
        let r = try Fixtures.run(["run", "--workforce", path, "--out", dir + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try AnyReleaseTests.table(dir + "/out/latest/scores.csv")
        let notes = t.header.firstIndex(of: "notes")!, code = t.header.firstIndex(of: "old_la_code")!
        #expect(t.rows.first { $0[code] == "935" }?[notes].contains("no caseload_fte published; from its counts") == true)
    }

    // MARK: 2. Codes that move

    @Test func anUnknownONSCodeWhoseNumberAndNameAgreeIsReadAsThatAuthority() throws {
        var copy = try RealCopy(Fixtures.realWorkforce2024)
        let rows = copy.lines.indices.filter { copy.fields($0)[copy.column("la_name")] == "Suffolk" }
        #expect(rows.count == 8)
        for i in rows { copy.set(i, "new_la_code", "E06000099") }
        let dir = Fixtures.temporaryDirectory()
        let path = try copy.write("moved.csv", in: dir)
        let v = try Fixtures.run(["validate", path])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("'E06000099' is not an ONS code the registry knows for Suffolk (935, E10000029); the row's 3-digit code and name agree"), "\(v.stdout)")
        let r = try Fixtures.run(["run", "--workforce", path, "--out", dir + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try AnyReleaseTests.table(dir + "/out/latest/scores.csv")
        #expect(t.rows.contains { $0[t.header.firstIndex(of: "old_la_code")!] == "935" })
        // The name of another authority with the new code: still an error.
        copy.set(rows.last!, "la_name", "Norfolk")
        let wrong = try copy.write("wrong.csv", in: dir)
        let w = try Fixtures.run(["validate", wrong])
        #expect(w.status == 3)
        #expect(w.stderr.contains("'E06000099' is not a known ONS code"), "\(w.stderr)")
    }

    // MARK: 4. Demand from counts and population

    /// A children-in-need release with counts only, its columns renamed, rebuilt from the real one.
    static func countsOnly(_ path: String, drop: [String], rename: [String: String], in dir: String, as name: String) throws -> String {
        let real = try RealCopy(path)
        let keep = real.header.indices.filter { !drop.contains(real.header[$0].replacingOccurrences(of: "\u{FEFF}", with: "")) }
        let lines = real.lines.enumerated().map { k, line -> String in
            let f = RealCopy.split(line)
            return RealCopy.join(keep.map { k == 0 ? (rename[f[$0].replacingOccurrences(of: "\u{FEFF}", with: "")] ?? f[$0]) : f[$0] })
        }
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: dir + "/" + name)
        return dir + "/" + name
    }

    @Test func demandCountsWithoutRatesGiveRatesOverThePopulation() throws {
        let dir = Fixtures.temporaryDirectory()
        let b1 = try AnyReleaseTests.countsOnly(Fixtures.realB1_2024, drop: ["Anypoint_child_rate", "Anypoint_episodes_rate"],
                                                rename: ["Anypoint_child": "anypoint_child"], in: dir, as: "b1.csv")
        let c1 = try AnyReleaseTests.countsOnly(Fixtures.realC1_2024, drop: ["Referrals_rate"], rename: ["Referrals": "referral_count"],
                                                in: dir, as: "c1.csv")
        let r = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce2024, "--demand", b1, c1, "--population", Fixtures.realPopulation,
                                  "--out", dir + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let cin = try AnyReleaseTests.indicatorValues(dir + "/out/latest", "cin_rate")
        let referrals = try AnyReleaseTests.indicatorValues(dir + "/out/latest", "referral_rate")
        #expect(cin.count >= 140 && referrals.count >= 140, "\(cin.count) \(referrals.count)")
        // Barnsley (370), 2024: count over the ONS mid-2023 estimate (the year before, DfE's rule).
        let b1Rows = try RealCopy(Fixtures.realB1_2024), pop = try RealCopy(Fixtures.realPopulation)
        let count = Double(b1Rows.fields(b1Rows.lines.firstIndex { $0.hasPrefix("2024,") && RealCopy.split($0)[7] == "370" }!)[b1Rows.column("Anypoint_child")])!
        let children = Double(pop.fields(pop.lines.firstIndex { $0.hasPrefix("2023,") && RealCopy.split($0)[7] == "370" }!)[pop.column("population_estimate")])!
        #expect(abs(cin["370"]! - count * 10_000 / children) < 0.006, "\(cin["370"]!) vs \(count * 10_000 / children)")
        #expect(try AnyReleaseTests.manifestWarnings(dir + "/out/latest").contains { $0.hasPrefix("cin_rate derived from cin_count over the ONS population") })
        // Without the population the rates are absent, and the run says what is missing.
        let n = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce2024, "--demand", b1, c1, "--out", dir + "/none", "--quiet"])
        #expect(n.status == 0, "\(n.stderr)")
        #expect(try AnyReleaseTests.indicatorValues(dir + "/none/latest", "cin_rate").isEmpty)
        #expect(try AnyReleaseTests.manifestWarnings(dir + "/none/latest").contains {
            $0.hasPrefix("referral_rate absent for") && $0.contains("no population file was given (--population or inputs.population)")
        })
    }

    // MARK: 5. Several releases together

    @Test func theB1AndC1FilesOfTwoReleasesTogetherMergeWithTheRevisionsListed() throws {
        let dir = Fixtures.temporaryDirectory()
        let all = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce2024,
                                    "--demand", Fixtures.realB1, Fixtures.realC1, Fixtures.realB1_2024, Fixtures.realC1_2024,
                                    "--out", dir + "/all", "--quiet"])
        #expect(all.status == 0, "\(all.stderr)")
        let warnings = try AnyReleaseTests.manifestWarnings(dir + "/all/latest")
        let revisions = warnings.filter { $0.hasPrefix("revised by a newer release:") }
        #expect(revisions.contains { $0.contains("referral_") && $0.contains("c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv") }, "\(revisions.prefix(3))")
        #expect(revisions.contains { $0.contains("cin_") && $0.contains("b1_children_in_need_2013_to_2024.csv") }, "\(revisions.prefix(3))")
        // 2024 demand is the newer files' alone.
        let newer = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce2024, "--demand", Fixtures.realB1_2024, Fixtures.realC1_2024,
                                      "--out", dir + "/newer", "--quiet"])
        #expect(newer.status == 0)
        for indicator in ["cin_rate", "referral_rate"] {
            let a = try AnyReleaseTests.indicatorValues(dir + "/all/latest", indicator)
            #expect(a.count >= 140)
            #expect(a == (try AnyReleaseTests.indicatorValues(dir + "/newer/latest", indicator)), "\(indicator)")
        }
    }

    @Test func theWideReleasesAndTheTidyOneGiveHistoryFrom2015() throws {
        let dir = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--workforce", Fixtures.realSFR2015, Fixtures.realSFR2016, Fixtures.realWorkforce2024,
                                  "--out", dir + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try AnyReleaseTests.table(dir + "/out/latest/history.csv")
        let year = t.header.firstIndex(of: "time_period")!
        #expect(Set(t.rows.map { $0[year] }) == Set((2015...2024).map(String.init)))
    }
}

/// Issue 26, item 3: a wide release is read as the tidy release of the same cells would be.
@Suite(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
struct WideReleaseTests {
    /// The wide file's cells under tidy column names, one row per geography, level from its codes.
    static func tidy(of widePath: String, year: Int, in dir: String) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: widePath))
        let text = String(data: bytes, encoding: .utf8) ?? String(data: bytes, encoding: .windowsCP1252)!
        var lines = text.components(separatedBy: .newlines).filter { !$0.isEmpty && !$0.allSatisfy { $0 == "," } }
        let header = RealCopy.split(lines.removeFirst())
        let named: [String: String] = [
            "A1_FTE_ChildrensSocialWorkers": "inpost_fte", "B1_FTE_Starters": "starters_fte", "B2_FTE_Leavers": "leavers_fte",
            "B3_FTE_TurnoverRate": "turnover_rate_fte", "D1_FTE_AgencyWorkers": "agency_fte", "D2_FTE_AgencyWorkerRate": "agency_rate_fte",
            "A2_FTE_Vacancies": "vacancy_fte", "A3_FTE_VacancyRate": "vacancy_rate_fte", "C1_FTE_Absence": "working_days_lost_fte",
            "C2_FTE_AbsenceRate": "absence_rate_fte", "Average_caseload": "caseload_fte", "Number_of_cases": "cases",
        ]
        var columns: [(Int, String)] = []
        for (i, h) in header.enumerated() {
            let base = h.hasSuffix("_\(year)") ? String(h.dropLast(5)) : h
            if let canonical = named[base] { columns.append((i, canonical)) }
        }
        let region = header.firstIndex(of: "Region_code")!, regionName = header.firstIndex(of: "Region_name")!
        let old = header.firstIndex(of: "LA_code (3 digit)")!, new = header.firstIndex(of: "LA_code (9 digit)")!, name = header.firstIndex(of: "LA_name")!
        var out = [RealCopy.join(["time_period", "geographic_level", "region_code", "region_name", "old_la_code", "new_la_code", "la_name"] + columns.map(\.1))]
        for line in lines {
            let f = RealCopy.split(line)
            let level = !f[old].isEmpty || !f[new].isEmpty ? "Local authority" : (!f[region].isEmpty ? "Regional" : "National")
            out.append(RealCopy.join([String(year), level, f[region], f[regionName], f[old], f[new], f[name]] + columns.map { f[$0.0] }))
        }
        let path = dir + "/tidy-\(year).csv"
        try Fixtures.write(out.joined(separator: "\n") + "\n", to: path)
        return path
    }

    @Test(arguments: [(Fixtures.realSFR2015, 2015), (Fixtures.realSFR2016, 2016)])
    func aWideReleaseGivesTheRecordsOfTheTidyOne(path: String, year: Int) throws {
        let reader = try Fixtures.reader()
        let wide = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce")
        let tidy = try reader.read(path: try WideReleaseTests.tidy(of: path, year: year, in: Fixtures.temporaryDirectory()),
                                   wanted: Measure.workforce, kind: "workforce")
        #expect(wide.records.count == tidy.records.count)
        #expect(wide.records.filter { $0.level == .localAuthority }.count >= 150)
        #expect(Set(wide.records.map(\.year)) == [year])
        for (a, b) in zip(wide.records, tidy.records) { #expect(a == b, "\(a.label)") }
        if year == 2016 { #expect(wide.warnings.contains { $0.contains("passed over 32 row(s) with every field empty") }, "\(wide.warnings)") }
        // 2015 publishes no caseload: missing, never zero.
        let caseloads = wide.records.compactMap { $0.values[.caseloadFTE] }
        if year == 2015 { #expect(caseloads.isEmpty) } else { #expect(caseloads.count >= 150) }
    }
}
