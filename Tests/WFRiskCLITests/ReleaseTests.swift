import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRisk

/// Issue 12, items 5 and 6: older releases that put a joint return on one partner's row, and two
/// releases that overlap, built from the real file at test time.
@Suite(.serialized, .enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
struct ReleaseTests {
    /// Older-release names for some columns (Resources/column_aliases.csv).
    static let olderNames = ["inpost_fte": "social_worker_fte", "leavers_fte": "leaver_fte", "turnover_rate_fte": "turnover_rate_fte_%",
                             "agency_rate_fte": "agency_worker_rate_fte_%", "vacancy_rate_fte": "vacancy_rate_fte_%",
                             "absence_rate_fte": "absence_rate_fte_%"]
    static let partners = [("314 / 318", [("314", "E09000021", "Kingston upon Thames"), ("318", "E09000027", "Richmond upon Thames")]),
                           ("940 / 941", [("940", "E06000061", "North Northamptonshire"), ("941", "E06000062", "West Northamptonshire")])]

    /// The real file as an older release shapes it: older column names, and each joint return's
    /// figures on its first partner's row with the other partner's row `z` throughout.
    static func olderRelease() throws -> RealCopy {
        var copy = try RealCopy()
        let firstMeasure = copy.column("la_name") + 1
        let old = copy.column("old_la_code"), new = copy.column("new_la_code"), name = copy.column("la_name")
        var lines = [RealCopy.join(copy.header.map { olderNames[$0] ?? $0 })]
        for l in copy.lines.dropFirst() {
            let f = RealCopy.split(l)
            guard let (_, members) = partners.first(where: { $0.0 == f[old] }) else { lines.append(l); continue }
            for (k, member) in members.enumerated() {
                var g = f
                (g[old], g[new], g[name]) = member
                if k > 0 { for c in firstMeasure..<g.count { g[c] = "z" } }
                lines.append(RealCopy.join(g))
            }
        }
        copy.lines = lines
        return copy
    }

    func column(_ rows: [[String]], _ name: String) -> Int { rows[0].firstIndex(of: name)! }

    @Test func anOlderReleaseYieldsTheSameUnitsAndScoresAsTheNewer() throws {
        let dir = Fixtures.temporaryDirectory()
        let older = try ReleaseTests.olderRelease().write("older.csv", in: dir)
        let a = try Fixtures.run(["run", "--workforce", older, "--out", dir + "/older", "--quiet"])
        #expect(a.status == 0, "\(a.stderr)")
        let b = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce, "--out", dir + "/newer", "--quiet"])
        #expect(b.status == 0, "\(b.stderr)")
        let d = try Fixtures.run(["diff", dir + "/older/latest", dir + "/newer/latest"])
        #expect(d.status == 0, "\(d.stdout)\(d.stderr)")
        #expect(d.stdout.contains("0 added, 0 removed"), "\(d.stdout)")
        let rowsA = try CSVReader.readAll(path: dir + "/older/latest/scores.csv").map(\.fields)
        let rowsB = try CSVReader.readAll(path: dir + "/newer/latest/scores.csv").map(\.fields)
        let code = column(rowsA, "old_la_code"), name = column(rowsA, "la_name"), notes = column(rowsA, "notes")
        #expect(Set(rowsA.dropFirst().map { $0[code] }) == Set(rowsB.dropFirst().map { $0[code] }))
        for (unit, _) in ReleaseTests.partners {
            let row = rowsA.first { $0[code] == unit }
            #expect(row?[name] == rowsB.first { $0[code] == unit }?[name], "\(unit)")
            #expect(row?[notes].contains("older release: the joint return of") == true, "\(unit): \(row?[notes] ?? "missing")")
        }
        // Validate says what it did.
        let v = try Fixtures.run(["validate", older])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("read as the joint unit 314 / 318") && v.stdout.contains("read as the joint unit 940 / 941"), "\(v.stdout)")
    }

    /// An earlier release covering 2017-2022 whose 2022 figures the newer release revised.
    func overlapping(in dir: String) throws -> (old: String, new: String) {
        var earlier = try RealCopy()
        earlier.lines = earlier.lines.enumerated().filter { $0.offset == 0 || !$0.element.hasPrefix("2023,") }.map(\.element)
        let barnsley = earlier.row(2022, "Barnsley")
        let england = earlier.lines.firstIndex { $0.hasPrefix("2022,Reporting year,National,") }!
        for i in [barnsley, england] {
            let v = Double(earlier.fields(i)[earlier.column("starters_fte")])!
            earlier.set(i, "starters_fte", Decimals.format(v + 5, 1))
        }
        return (try earlier.write("csww_2017_to_2022.csv", in: dir), try RealCopy().write("csww_2017_to_2023.csv", in: dir))
    }

    @Test func theNewerReleaseWinsForYearsBothCoverWithEveryRevisionNoted() throws {
        let dir = Fixtures.temporaryDirectory()
        let (old, new) = try overlapping(in: dir)
        let both = try Fixtures.run(["run", "--workforce", old, new, "--out", dir + "/both", "--quiet"])
        #expect(both.status == 0, "\(both.stderr)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/both/latest/manifest.json"))) as! [String: Any]
        let warnings = manifest["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.hasPrefix("revised by a newer release: Barnsley (370) 2022: starters_fte") }, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("revised by a newer release: England 2022: starters_fte") }, "\(warnings)")
        // The newer release alone gives the same scores.
        let alone = try Fixtures.run(["run", "--workforce", new, "--out", dir + "/alone", "--quiet"])
        #expect(alone.status == 0)
        let d = try Fixtures.run(["diff", dir + "/alone/latest", dir + "/both/latest"])
        #expect(d.status == 0, "\(d.stdout)")
        // Files given the other way round: the same.
        let swapped = try Fixtures.run(["run", "--workforce", new, old, "--out", dir + "/swapped", "--quiet"])
        #expect(swapped.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/swapped/latest/scores.csv")) == Data(contentsOf: URL(fileURLWithPath: dir + "/both/latest/scores.csv")))
    }

    @Test func theStrictPolicyStillStopsAndNamesEngland() throws {
        let dir = Fixtures.temporaryDirectory()
        let (old, new) = try overlapping(in: dir)
        let pipeline = dir + "/strict.yml"
        try Fixtures.write("""
            name: strict
            inputs:
              workforce: [\((old as NSString).lastPathComponent), \((new as NSString).lastPathComponent)]
            settings:
              overlapping_releases: strict
            outputs:
              directory: out
            """, to: pipeline)
        let r = try Fixtures.run(["run", "--pipeline", pipeline, "--quiet"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("field 'starters_fte': England 2022 is also at"), "\(r.stderr)")
        #expect(r.stderr.contains("Barnsley (370) 2022 is also at"), "\(r.stderr)")
        let v = try Fixtures.run(["validate", "--strict-releases", old, new])
        #expect(v.status == 3)
        #expect(v.stderr.contains("England 2022 is also at"), "\(v.stderr)")
        let ok = try Fixtures.run(["validate", old, new])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("revised by a newer release: England 2022"), "\(ok.stdout)")
    }
}
