import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskScoring
@testable import WFRisk

/// The operational surface as the README documents it: exit codes, JSON logs, baselines.
@Suite(.serialized) struct CLITests {
    let golden = Fixtures.repoRoot + "/Tests/Golden/sample-baseline.csv"

    /// Runs a shell command line (so redirections are the README's own) in `cwd`.
    func sh(_ command: String, cwd: String = Fixtures.repoRoot) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Rewrites one cell of a baseline/score file's row for `code`.
    func edit(_ path: String, to out: String, code: String, _ changes: [String: String]) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = RealCopy.split(lines[0])
        for i in 1..<lines.count where lines[i].hasPrefix(code + ",") {
            var cells = RealCopy.split(lines[i])
            for (k, v) in changes { cells[header.firstIndex(of: k)!] = v }
            lines[i] = RealCopy.join(cells)
        }
        try Fixtures.write(lines.joined(separator: "\n"), to: out)
    }

    // MARK: 5. The README's exit-code table, run against the binary

    @Test func readmeExitCodeTableMatchesTheBinary() throws {
        let readme = try String(contentsOfFile: Fixtures.repoRoot + "/README.md", encoding: .utf8)
        var documented: [Int32: String] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count >= 2, let code = Int32(cells[0]) { documented[code] = cells[1] }
        }
        #expect(documented.count == ExitCodes.table.count)
        for e in ExitCodes.table { #expect(documented[e.code] == e.meaning, "README row for \(e.code)") }
        let help = try Fixtures.run(["--help"]).stdout
        for e in ExitCodes.table { #expect(help.contains("\(e.code)  \(e.meaning)"), "--help lacks code \(e.code)") }

        let dir = Fixtures.temporaryDirectory()
        try Fixtures.write("file\n", to: dir + "/afile")
        try Fixtures.write("time_period,geographic_level,old_la_code,la_name,inpost_fte\n2023,Local authority,841,Darlington,twelve\n", to: dir + "/bad.csv")
        var scenarios: [(Int32, [String])] = [
            (0, ["run", "--out", dir + "/ok", "--quiet"]),
            (0, ["run", "--out", dir + "/ok", "--quiet"]),                              // nothing to do
            (1, ["run", "--out", dir + "/afile"]),                                     // output path is a file
            (2, ["run", "--threads", "0", "--out", dir + "/x"]),
            (2, ["run", "--no-such-option"]),
            (2, ["diff", golden]),
            (2, ["diff", golden, golden, "--format", "xml"]),
            (2, ["run", "--log-format", "yaml"]),
            (2, ["run", "--pipeline", dir + "/missing.yml"]),
            (2, ["frobnicate"]),
            (3, ["run", "--workforce", dir + "/bad.csv", "--out", dir + "/bad"]),
            (3, ["run", "--workforce", dir + "/missing.csv", "--out", dir + "/bad"]),
        ]
        // 1 with --baseline: drift.
        try edit(golden, to: dir + "/nudged.csv", code: "394", ["overall_score": "1.00"])
        scenarios.append((1, ["run", "--out", dir + "/ok", "--quiet", "--baseline", dir + "/nudged.csv"]))
        for (expected, args) in scenarios {
            let r = try Fixtures.run(args)
            #expect(r.status == expected, "\(args.joined(separator: " ")) exited \(r.status), README says \(expected):\n\(r.stderr)")
        }
        // 4: another run holds the lock (held here, in-process).
        let lock = PipelineLock(directory: dir + "/locked")
        try lock.acquire()
        defer { lock.release() }
        let held = try Fixtures.run(["run", "--out", dir + "/locked"])
        #expect(held.status == 4, "\(held.stderr)")
        #expect(Set(scenarios.map(\.0) + [4]) == Set(ExitCodes.table.map(\.code)))
    }

    // MARK: 6. JSON logs: every line one object, facts as fields, one final `run finished`

    func jsonLines(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            try #require(object != nil, "not a JSON object: \(line)")
            return object!
        }
    }

    @Test func jsonLogsWithTheReadmeRedirectionAreJSONToTheLastLine() throws {
        let dir = Fixtures.temporaryDirectory()
        let exe = Fixtures.executable
        let lock = PipelineLock(directory: dir + "/held")
        // (arguments, exit code, status, failed stage)
        let cases: [(String, Int32, String, String?)] = [
            ("run --out \(dir)/ok", 0, "success", nil),
            ("run --out \(dir)/ok --quiet", 0, "nothing_to_do", nil),
            ("run --workforce \(dir)/missing.csv --out \(dir)/missing", 3, "failed", nil),
            ("run --pipeline \(dir)/broken.yml", 2, "failed", nil),
            ("run --out \(dir)/held", 4, "failed", nil),
            ("run --threads 0", 2, "failed", nil),
            ("run --out \(dir)/afile", 1, "failed", nil),
            ("run --workforce \(dir)/bad.csv --out \(dir)/bad", 3, "failed", "ingest_workforce"),
            ("run --out \(dir)/ok --force --baseline \(dir)/nudged.csv", 1, "drifted", "baseline"),
        ]
        try edit(golden, to: dir + "/nudged.csv", code: "394", ["overall_score": "1.00"])
        try Fixtures.write("inputs:\n  workforce: x.csv\nsettings:\n  scoring:\n    z_clamp: lots\n", to: dir + "/broken.yml")
        try Fixtures.write("a file where the output folder should be\n", to: dir + "/afile")
        try Fixtures.write("time_period,geographic_level,old_la_code,la_name,inpost_fte\n2023,Local authority,841,Darlington,twelve\n", to: dir + "/bad.csv")
        try lock.acquire()
        defer { lock.release() }
        for (i, (args, code, status, stage)) in cases.enumerated() {
            let log = "\(dir)/log\(i)"
            let rc = try sh("'\(exe)' \(args) --log-format json >> '\(log)' 2>&1")
            #expect(rc == code, "\(args): exit \(rc)")
            let lines = try jsonLines(log)
            let last = try #require(lines.last, "\(args): empty log")
            #expect(last["message"] as? String == "run finished", "\(args)")
            #expect(last["status"] as? String == status, "\(args): \(last)")
            #expect(last["exit_code"] as? Int == Int(code), "\(args): \(last)")
            #expect(lines.filter { $0["message"] as? String == "run finished" }.count == 1)
            let errors = lines.filter { $0["level"] as? String == "error" }
            #expect(errors.count == (code == 0 ? 0 : 1), "\(args): one failure is one error event, got \(errors.count)")
            if code != 0 { #expect(errors.first?["exit_code"] as? Int == Int(code)) }
            if let stage { #expect(errors.first?["stage"] as? String == stage, "\(errors)") }
            if status == "success" {
                let stages = lines.filter { $0["message"] as? String == "stage done" }
                #expect(stages.count == 10)  // the nine stages and load_ofsted (Ofsted's record, issue 23)
                #expect(stages.allSatisfy { $0["stage"] is String && $0["seconds"] is NSNumber && $0["counts"] is [String: Any] })
                let summary = lines.first { $0["event"] as? String == "summary" }
                #expect(summary?["year"] as? Int == 2023 && (summary?["top"] as? [Any])?.count == 10, "\(String(describing: summary))")
                #expect(summary?["synthetic"] as? Bool == true && summary?["units"] is Int && summary?["files"] is [String])
                let runID = last["run_id"] as? String
                #expect(runID != nil)
                for message in ["run started", "published"] {
                    #expect(lines.first { $0["message"] as? String == message }?["run_id"] as? String == runID, "\(message)")
                }
            }
        }
        // Problems carry file, line and field as fields.
        let bad = try jsonLines("\(dir)/log7").first { $0["level"] as? String == "error" }
        let problem = (bad?["problems"] as? [[String: Any]])?.first
        #expect(problem?["line"] as? Int == 2 && problem?["field"] as? String == "inpost_fte", "\(String(describing: bad))")
    }

    // MARK: 3. One argument order; baseline update never writes over run outputs

    @Test func baselineUpdateTakesDiffsOrderAndRefusesRunOutputs() throws {
        let dir = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", dir + "/run", "--quiet"]).status == 0)
        let latest = dir + "/run/latest"
        let before = try FileManager.default.destinationOfSymbolicLink(atPath: latest)
        // The old order (NEW BASELINE) with --yes: refused, `latest` untouched.
        let swapped = try Fixtures.run(["baseline", "update", latest, dir + "/baseline.csv", "--yes"])
        #expect(swapped.status == 2, "\(swapped.stdout)\(swapped.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: latest) == before)
        #expect(FileManager.default.fileExists(atPath: latest + "/scores.json"))
        // A run folder, and a file that is not a baseline, are refused too.
        let runFolder = dir + "/run/" + before
        #expect(try Fixtures.run(["baseline", "update", runFolder, latest, "--yes"]).status == 2)
        #expect(try Fixtures.run(["baseline", "update", runFolder + "/scores.csv", latest, "--yes"]).status == 2)
        try FileManager.default.copyItem(atPath: runFolder + "/scores.csv", toPath: dir + "/copy.csv")
        let copyBytes = FileManager.default.contents(atPath: dir + "/copy.csv")
        let notBaseline = try Fixtures.run(["baseline", "update", dir + "/copy.csv", latest, "--yes"])
        #expect(notBaseline.status == 2)
        #expect(notBaseline.stderr.contains("not a baseline file"), "\(notBaseline.stderr)")
        #expect(FileManager.default.contents(atPath: dir + "/copy.csv") == copyBytes)
        // The diff order works, and the baseline records year and methodology.
        let made = try Fixtures.run(["baseline", "update", dir + "/baseline.csv", latest, "--yes"])
        #expect(made.status == 0, "\(made.stderr)")
        let b = try ScoreDiff.load(dir + "/baseline.csv")
        #expect(b.year == "2023" && b.methodology == Scorer.methodologyVersion)
        #expect(try Fixtures.run(["diff", dir + "/baseline.csv", latest]).status == 0)
    }

    // MARK: 4. Years and methods; bands under tolerance

    @Test func differentYearsOrMethodsAreNotComparedUnlessAsked() throws {
        let dir = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", dir + "/a", "--quiet"]).status == 0)
        #expect(try Fixtures.run(["run", "--out", dir + "/b", "--year", "2022", "--quiet"]).status == 0)
        let r = try Fixtures.run(["diff", dir + "/a/latest", dir + "/b/latest"])
        #expect(r.status == 2, "\(r.stdout)")
        #expect(r.stderr.contains("scoring year 2023") && r.stderr.contains("--allow-year-change"), "\(r.stderr)")
        #expect(try Fixtures.run(["diff", dir + "/a/latest", dir + "/b/latest", "--allow-year-change"]).status == 1)
        // Methodology recorded in a baseline.
        let text = try String(contentsOfFile: golden, encoding: .utf8).replacingOccurrences(of: ",\(Scorer.methodologyVersion),", with: ",0.9.0,")
        try Fixtures.write(text, to: dir + "/old-method.csv")
        let m = try Fixtures.run(["diff", dir + "/old-method.csv", dir + "/a/latest"])
        #expect(m.status == 2 && m.stderr.contains("methodology version"), "\(m.stderr)")
        #expect(try Fixtures.run(["diff", dir + "/old-method.csv", dir + "/a/latest", "--allow-method-change"]).status == 0)
    }

    /// Issue 27: a band follows the score's distance from the median, not the rank, so it can move
    /// while the score stands still: any band change is drift, whatever the tolerances. Only the
    /// quartile, which does follow the rank, may step to a neighbour within the rank tolerance.
    @Test func aBandChangeIsDriftAQuartileStepWithinRankToleranceIsNot() throws {
        let dir = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", dir + "/a", "--quiet"]).status == 0)
        let scores = try ScoreDiff.load(dir + "/a/latest")
        // A baseline of this run with every compared column (whatever the golden file holds).
        let full = dir + "/full.csv"
        #expect(try Fixtures.run(["baseline", "update", full, dir + "/a/latest", "--yes"]).status == 0)
        // The last `high` authority, moved one place down into `elevated` with its score nudged by 0.02.
        let high = scores.rows.values.filter { $0["band"] == "high" }.max { Int($0["overall_rank"]!)! < Int($1["overall_rank"]!)! }!
        let rank = Int(high["overall_rank"]!)!, score = Double(high["overall_score"]!)!
        try edit(full, to: dir + "/flipped.csv", code: high["old_la_code"]!,
                 ["band": "elevated", "overall_rank": String(rank + 1), "overall_score": Decimals.format(score - 0.02, 2)])
        let within = try Fixtures.run(["diff", dir + "/flipped.csv", dir + "/a/latest", "--score-tolerance", "0.05", "--rank-tolerance", "2"])
        #expect(within.status == 1 && within.stdout.contains("band"), "\(within.stdout)")
        #expect(!within.stdout.contains("overall_score") && !within.stdout.contains("overall_rank "), "\(within.stdout)")
        // The quartile: one step with the rank within tolerance is not drift; exact, or two steps, is.
        let q = Int(high["quartile"]!)!
        try edit(full, to: dir + "/quartile.csv", code: high["old_la_code"]!,
                 ["quartile": String(q == 4 ? 3 : q + 1), "overall_rank": String(rank + 1)])
        #expect(try Fixtures.run(["diff", dir + "/quartile.csv", dir + "/a/latest", "--rank-tolerance", "2"]).status == 0)
        #expect(try Fixtures.run(["diff", dir + "/quartile.csv", dir + "/a/latest"]).status == 1)
        try edit(full, to: dir + "/far.csv", code: high["old_la_code"]!, ["quartile": String(q <= 2 ? q + 2 : q - 2)])
        #expect(try Fixtures.run(["diff", dir + "/far.csv", dir + "/a/latest", "--rank-tolerance", "2"]).status == 1)
    }

    // MARK: 10. Non-finite scores are changes

    @Test func nanScoresAreChangesNeverUnchanged() throws {
        let dir = Fixtures.temporaryDirectory()
        let code = "394"
        try edit(golden, to: dir + "/nan.csv", code: code, ["overall_score": "nan"])
        let r = try Fixtures.run(["diff", golden, dir + "/nan.csv", "--tolerance", "100"])
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("overall_score") && r.stdout.contains("nan"), "\(r.stdout)")
        // Even against a baseline holding the same nonsense.
        #expect(try Fixtures.run(["diff", dir + "/nan.csv", dir + "/nan.csv"]).status == 1)
        try edit(golden, to: dir + "/inf.csv", code: code, ["instability_score": "inf"])
        #expect(try Fixtures.run(["diff", golden, dir + "/inf.csv", "--tolerance", "100"]).status == 1)
    }
}

/// `wfrisk validate --pipeline` reads files with the pipeline's reading settings, as `wfrisk run` does.
@Suite struct ValidateWithPipelineTests {
    static let sample = Fixtures.repoRoot + "/sample-data/workforce/csww_2021_to_2023.csv"

    @Test func aPipelinesSuppressionMarkersAndColumnAliasesApply() throws {
        let dir = Fixtures.temporaryDirectory()
        var lines = try String(contentsOfFile: Self.sample, encoding: .utf8).components(separatedBy: "\n")
        let header = lines[0].components(separatedBy: ",")
        let inpost = try #require(header.firstIndex(of: "inpost_fte"))
        var row = lines[2].components(separatedBy: ",")
        row[inpost] = "n/p"
        lines[2] = row.joined(separator: ",")
        lines[0] = lines[0].replacingOccurrences(of: ",inpost_fte,", with: ",fte_in_post,")
        try Fixtures.write(lines.joined(separator: "\n"), to: dir + "/local.csv")
        try Fixtures.write("""
            name: local
            inputs:
              workforce: [local.csv]
            settings:
              column_aliases:
                inpost_fte: [fte_in_post]
              suppression_markers: [n/p]
            outputs:
              directory: out
            """, to: dir + "/local.yml")
        // The bundled settings know neither the column name nor the marker.
        let plain = try Fixtures.run(["validate", dir + "/local.csv"])
        #expect(plain.status == 3 && plain.stderr.contains("local.csv:1: missing column(s): inpost_fte"), "\(plain.stdout)\(plain.stderr)")
        // The pipeline's alias makes it read, and its marker makes the cell a suppression.
        let withPipeline = try Fixtures.run(["validate", "--pipeline", dir + "/local.yml", dir + "/local.csv"])
        #expect(withPipeline.status == 0, "\(withPipeline.stderr)")
        #expect(withPipeline.stdout.contains("measures: inpost_fte") && withPipeline.stdout.contains("n/p 1"), "\(withPipeline.stdout)")
        // Only the alias, not the marker: the cell is a problem naming file, line and field.
        try Fixtures.write("""
            name: alias-only
            inputs:
              workforce: [local.csv]
            settings:
              column_aliases:
                inpost_fte: [fte_in_post]
            outputs:
              directory: out
            """, to: dir + "/alias.yml")
        let aliasOnly = try Fixtures.run(["validate", "--pipeline", dir + "/alias.yml", dir + "/local.csv"])
        #expect(aliasOnly.status == 3 && aliasOnly.stderr.contains("local.csv:3: field 'fte_in_post': 'n/p'"), "\(aliasOnly.stderr)")
    }

    @Test func aPipelinesStrictReleasePolicyApplies() throws {
        let dir = Fixtures.temporaryDirectory()
        let text = try String(contentsOfFile: Self.sample, encoding: .utf8)
        try Fixtures.write(text, to: dir + "/a.csv")
        // An older release (its latest year is earlier) of one row, with a figure since revised.
        let lines = text.components(separatedBy: "\n")
        var row = lines[1].components(separatedBy: ",")
        let inpost = try #require(lines[0].components(separatedBy: ",").firstIndex(of: "inpost_fte"))
        row[inpost] = String(try #require(Double(row[inpost])) + 0.1)
        try Fixtures.write(lines[0] + "\n" + row.joined(separator: ",") + "\n", to: dir + "/b.csv")
        try Fixtures.write("""
            name: strict
            inputs:
              workforce: [a.csv, b.csv]
            settings:
              overlapping_releases: strict
            outputs:
              directory: out
            """, to: dir + "/strict.yml")
        let newest = try Fixtures.run(["validate", dir + "/a.csv", dir + "/b.csv"])
        #expect(newest.status == 0 && newest.stdout.contains("revised by a newer release"), "\(newest.stdout)\(newest.stderr)")
        let strict = try Fixtures.run(["validate", "--pipeline", dir + "/strict.yml", dir + "/a.csv", dir + "/b.csv"])
        #expect(strict.status == 3 && strict.stderr.contains("(overlapping_releases: strict)"), "\(strict.stdout)\(strict.stderr)")
    }
}
