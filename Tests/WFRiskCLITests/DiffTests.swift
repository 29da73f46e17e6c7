import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRisk

@Suite(.serialized) struct DiffAndBaselineTests {
    let golden = Fixtures.repoRoot + "/Tests/Golden"

    @Test func sampleRunMatchesItsGoldenBaseline() throws {
        let out = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", out, "--quiet"]).status == 0)
        let r = try Fixtures.run(["diff", golden + "/sample-baseline.csv", out + "/latest"])
        #expect(r.status == 0, "scores moved against Tests/Golden/sample-baseline.csv; if intended, see README 'Using wfrisk in CI':\n\(r.stdout)")
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func realRunMatchesItsGoldenBaseline() throws {
        let out = Fixtures.temporaryDirectory()
        let run = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce, "--demand", Fixtures.realB1, Fixtures.realC1,
                                    "--neighbours", Fixtures.realNeighbours, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let r = try Fixtures.run(["diff", golden + "/real-dfe-2023-baseline.csv", out + "/latest"])
        #expect(r.status == 0, "scores moved against Tests/Golden/real-dfe-2023-baseline.csv:\n\(r.stdout)")
    }

    @Test func changingOneWeightListsExactlyTheAuthoritiesThatMoved() throws {
        let dir = Fixtures.temporaryDirectory()
        let base = dir + "/base", changed = dir + "/changed"
        let pipeline = try String(contentsOfFile: Fixtures.repoRoot + "/pipelines/nightly.yml", encoding: .utf8)
            .replacingOccurrences(of: "../sample-data", with: Fixtures.repoRoot + "/sample-data")
        let modified = pipeline.replacingOccurrences(of: "    blend:", with: "    weights:\n      instability:\n        absence_rate_fte: 0.20\n    blend:")
        #expect(modified != pipeline)
        try Fixtures.write(modified, to: dir + "/changed.yml")
        #expect(try Fixtures.run(["run", "--out", base, "--quiet"]).status == 0)
        let run = try Fixtures.run(["run", "--pipeline", dir + "/changed.yml", "--out", changed, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let r = try Fixtures.run(["diff", base + "/latest", changed + "/latest", "--format", "json"])
        #expect(r.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let changes = json["changes"] as! [[String: Any]]
        // Exactly the authorities whose instability score differs in the two files.
        let a = try ScoreDiff.load(base + "/latest"), b = try ScoreDiff.load(changed + "/latest")
        let moved = Set(a.rows.keys.filter { a.rows[$0]!["instability_score"] != b.rows[$0]!["instability_score"] })
        #expect(!moved.isEmpty)
        let listed = Set(changes.filter { $0["field"] as? String == "instability_score" }.map { $0["old_la_code"] as! String })
        #expect(listed == moved)
        // Largest first.
        let sizes = changes.filter { ScoreDiff.scoreFields.contains($0["field"] as! String) }.map { abs(($0["change"] as! NSNumber).doubleValue) }
        #expect(sizes == sizes.sorted(by: >))
        let text = try Fixtures.run(["diff", base + "/latest", changed + "/latest"])
        #expect(text.stdout.contains("authorities changed"))
        #expect(text.stdout.split(separator: "\n").first?.hasPrefix("authority") == true)
    }

    @Test func identicalInputsInAnotherOrderAndThreadCountDiffClean() throws {
        let dir = Fixtures.temporaryDirectory()
        let files = try PathPatterns.expand([Fixtures.repoRoot + "/sample-data/workforce/*.csv"], kind: "workforce")
        #expect(try Fixtures.run(["run", "--workforce"] + files + ["--out", dir + "/a", "--threads", "1", "--quiet"]).status == 0)
        #expect(try Fixtures.run(["run", "--workforce"] + files.reversed() + ["--out", dir + "/b", "--threads", "3", "--quiet"]).status == 0)
        let r = try Fixtures.run(["diff", dir + "/a/latest", dir + "/b/latest"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(FileManager.default.contents(atPath: dir + "/a/latest/scores.json") == FileManager.default.contents(atPath: dir + "/b/latest/scores.json"))
    }

    @Test func malformedOrMismatchedInputsExitTwoWithAReason() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.write("not,a,score,file\n1,2,3,4\n", to: dir + "/other.csv")
        try Fixtures.write("\"unterminated\n", to: dir + "/broken.csv")
        let good = Fixtures.repoRoot + "/Tests/Golden/sample-baseline.csv"
        for (args, needle) in [([dir + "/other.csv", good], "not a wfrisk scores file"),
                               ([dir + "/broken.csv", good], "cannot compare"),
                               ([dir + "/missing.csv", good], "does not exist")] {
            let r = try Fixtures.run(["diff"] + args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(needle), "\(r.stderr)")
        }
        // Different schema versions named.
        #expect(try Fixtures.run(["run", "--out", dir + "/run", "--quiet"]).status == 0)
        let copy = dir + "/copy"
        try FileManager.default.copyItem(atPath: try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/run/latest").hasPrefix("/")
                                          ? try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/run/latest")
                                          : dir + "/run/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/run/latest")), toPath: copy)
        let json = try String(contentsOfFile: copy + "/scores.json", encoding: .utf8).replacingOccurrences(of: "\"schema_version\": \"\(ScoresDocument.schemaVersion)\"", with: "\"schema_version\": \"0\"")
        try Fixtures.write(json, to: copy + "/scores.json")
        let r = try Fixtures.run(["diff", copy, dir + "/run/latest"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("different schema versions") && r.stderr.contains("version 0") && r.stderr.contains("version \(ScoresDocument.schemaVersion)"), "\(r.stderr)")
    }

    @Test func baselineUpdateShowsTheDiffAndWritesOnlyWithYes() throws {
        let dir = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", dir + "/run", "--quiet"]).status == 0)
        let baseline = dir + "/baseline.csv"
        // A baseline with one score nudged.
        let text = try String(contentsOfFile: golden + "/sample-baseline.csv", encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        var cells = RealCopy.split(lines[1])
        cells[RealCopy.split(lines[0]).firstIndex(of: "overall_score")!] = "1.00"
        lines[1] = RealCopy.join(cells)
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: baseline)
        let dry = try Fixtures.run(["baseline", "update", baseline, dir + "/run/latest"])
        #expect(dry.status == 1)
        #expect(dry.stdout.contains("overall_score") && dry.stdout.contains("rerun with --yes"))
        #expect(try String(contentsOfFile: baseline, encoding: .utf8).contains(",1.00,"))
        let accept = try Fixtures.run(["baseline", "update", baseline, dir + "/run/latest", "--yes"])
        #expect(accept.status == 0)
        #expect(try Fixtures.run(["diff", baseline, dir + "/run/latest"]).status == 0)
    }

    @Test func runWithBaselineFailsOnDrift() throws {
        let dir = Fixtures.temporaryDirectory()
        let clean = try Fixtures.run(["run", "--out", dir, "--quiet", "--baseline", golden + "/sample-baseline.csv"])
        #expect(clean.status == 0, "\(clean.stdout)")
        // Another scoring year is not comparable unless asked for (exit 2); when asked, it is drift.
        let other = try Fixtures.run(["run", "--out", dir + "/2", "--quiet", "--year", "2022", "--baseline", golden + "/sample-baseline.csv"])
        #expect(other.status == 2)
        #expect(other.stderr.contains("--allow-year-change"))
        let drift = try Fixtures.run(["run", "--out", dir + "/2", "--quiet", "--year", "2022", "--baseline", golden + "/sample-baseline.csv", "--allow-year-change"])
        #expect(drift.status == 1)
        #expect(drift.stdout.contains("authorities changed"))
    }
}
