import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskIngest
@testable import WFRiskScoring
@testable import WFRisk

/// Paths that used to give a wrong answer with exit 0 (issue 11), each run against the binary.
@Suite(.serialized) struct RunSafetyTests {
    func latestTarget(_ out: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: out + "/latest") }
    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: path) ?? Data()) as? [String: Any] ?? [:]
    }

    /// A copy of pipelines/nightly.yml with absolute input paths, writing to `dir/out`.
    func pipeline(in dir: String, name: String = "p.yml", edit: (String) -> String = { $0 }) throws -> String {
        let text = try String(contentsOfFile: Fixtures.repoRoot + "/pipelines/nightly.yml", encoding: .utf8)
            .replacingOccurrences(of: "../sample-data", with: Fixtures.repoRoot + "/sample-data")
            .replacingOccurrences(of: "directory: ../out/nightly", with: "directory: \(dir)/out")
        let path = dir + "/" + name
        try Fixtures.write(edit(text), to: path)
        return path
    }

    // MARK: 1. The run key covers effective settings

    @Test func yearOnTheCommandLineIsNotNothingToDo() throws {
        let dir = Fixtures.temporaryDirectory()
        let p = try pipeline(in: dir)
        #expect(try Fixtures.run(["run", "--pipeline", p, "--quiet"]).status == 0)
        let first = latestTarget(dir + "/out")
        let r = try Fixtures.run(["run", "--pipeline", p, "--year", "2022"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("Nothing to do"), "\(r.stdout)")
        #expect(latestTarget(dir + "/out") != first)
        let scores = try ScoreDiff.load(dir + "/out/latest")
        #expect(scores.year == "2022")
        let manifest = try json(dir + "/out/latest/manifest.json")
        let settings = (manifest["settings"] as? [String: Any])?["scoring"] as? [String: Any]
        #expect(settings?["year"] as? Int == 2022)
        let overrides = manifest["overrides"] as? [[String: String]] ?? []
        #expect(overrides.contains { $0["option"] == "--year" && $0["value"] == "2022" }, "\(overrides)")
        // The same year again is unchanged.
        #expect(try Fixtures.run(["run", "--pipeline", p, "--year", "2022"]).stdout.contains("Nothing to do"))
    }

    /// Property: every setting that can change an output changes the run key.
    @Test func everySettingIsPartOfTheRunKey() throws {
        let base = try RunSettings.defaults()
        let inputs = [InputFingerprint(kind: "workforce", path: "a.csv", sha256: "00", count: 0)]
        func key(_ s: RunSettings, _ f: [OutputFormat] = [.csv, .json]) -> String {
            RunManifest.runKey(pipelineSHA: "p", settings: s, formats: f, inputs: inputs)
        }
        let k0 = key(base)
        #expect(key(try RunSettings.defaults()) == k0, "the key must be stable across loads")
        var variants: [(String, RunSettings)] = []
        func v(_ name: String, _ change: (inout RunSettings) -> Void) { var s = base; change(&s); variants.append((name, s)) }
        v("year") { $0.scoring.year = 2022 }
        v("prior_fte") { $0.scoring.priorFTE += 1 }
        v("prior_children") { $0.scoring.priorChildren += 1 }
        v("z_clamp") { $0.scoring.zClamp += 0.0001 }
        v("min_coverage") { $0.scoring.minCoverage += 0.01 }
        v("trend_years") { $0.scoring.trendYears += 1 }
        v("small_unit_fte") { $0.scoring.smallUnitFTE += 1 }
        for i in Indicator.allCases { v("weight \(i)") { $0.scoring.weights[i] = ($0.scoring.weights[i] ?? 0) + 0.00001 } }
        for k in ScoreKind.allCases { v("blend \(k)") { $0.scoring.blend[k] = ($0.scoring.blend[k] ?? 0) + 0.1 } }
        v("window") { $0.scoring.inspections.windowMonths += 1 }
        v("half life") { $0.scoring.inspections.halfLifeMonths += 1 }
        v("judgement") { $0.scoring.inspections.judgementConcern["good"] = 0.1 }
        v("aliases") { $0.columnAliases["inpost_fte", default: []].append("sw_fte") }
        v("markers") { $0.suppressionMarkers.append("n/a") }
        for (name, s) in variants { #expect(key(s) != k0, "changing \(name) left the run key unchanged") }
        #expect(key(base, [.csv]) != k0, "formats")
    }

    // MARK: 2. The baseline is read before publishing

    @Test func baselineOfTheOutputsLatestIsThePreviousRun() throws {
        let dir = Fixtures.temporaryDirectory()
        let p = try pipeline(in: dir)
        let changed = try pipeline(in: dir, name: "changed.yml") {
            $0.replacingOccurrences(of: "    blend:", with: "    weights:\n      instability:\n        absence_rate_fte: 0.20\n    blend:")
        }
        #expect(try Fixtures.run(["run", "--pipeline", p, "--quiet"]).status == 0)
        let before = latestTarget(dir + "/out")
        let r = try Fixtures.run(["run", "--pipeline", changed, "--out", dir + "/out", "--baseline", dir + "/out/latest"])
        #expect(r.status == 1, "a weight change against the previous run must be drift:\n\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("authorities changed") && !r.stdout.contains(" 0 authorities changed"), "\(r.stdout)")
        // Drifted scores are not published.
        #expect(latestTarget(dir + "/out") == before)
        let drifted = RunFolders(root: dir + "/out").runs().filter { RunFolders(root: dir + "/out").state(of: $0) == .failed }
        #expect(drifted.count == 1)
        #expect((try? json(drifted.first.map { $0 + "/manifest.json" } ?? ""))?["failed_stage"] as? String == "baseline")
        // A baseline that does not exist yet is an error, never a pass, and nothing is published.
        let fresh = dir + "/fresh"
        let missing = try Fixtures.run(["run", "--pipeline", p, "--out", fresh, "--baseline", fresh + "/latest"])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(latestTarget(fresh) == nil)
    }

    // MARK: 7. Ad-hoc runs and default paths

    @Test func adHocRunNeedsOutAndNeverTouchesTheNightlyFolder() throws {
        let nightlyLatest = Fixtures.repoRoot + "/out/nightly/latest"
        let before = try? FileManager.default.destinationOfSymbolicLink(atPath: nightlyLatest)
        let csv = Fixtures.repoRoot + "/sample-data/workforce/csww_2021_to_2023.csv"
        let r = try Fixtures.run(["run", "--workforce", csv])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("--out"), "\(r.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: nightlyLatest)) == before)
    }

    @Test func defaultPathsDoNotDependOnTheWorkingDirectory() throws {
        let elsewhere = Fixtures.temporaryDirectory()
        let csv = Fixtures.repoRoot + "/sample-data/workforce/csww_2021_to_2023.csv"
        let adHoc = try Fixtures.run(["run", "--workforce", csv, "--out", "real", "--quiet"], cwd: elsewhere)
        #expect(adHoc.status == 0, "\(adHoc.stderr)")
        #expect(FileManager.default.fileExists(atPath: elsewhere + "/real/latest/scores.csv"))
        let manifest = try json(elsewhere + "/real/latest/manifest.json")
        #expect((manifest["pipeline"] as? [String: Any])?["name"] as? String == "ad-hoc")
        // The default pipeline is found from the binary's checkout, not the working directory.
        let byDefault = try Fixtures.run(["run", "--out", elsewhere + "/default", "--quiet"], cwd: elsewhere)
        #expect(byDefault.status == 0, "\(byDefault.stderr)")
        let list = try Fixtures.run(["pipeline", "list"], cwd: elsewhere)
        #expect(list.stdout.contains("nightly") && list.stdout.contains("ci-regression"), "\(list.stdout)")
    }

    // MARK: 8. Failed runs are kept; only truly incomplete folders are removed

    @Test func failedRunsAreKeptAndOnlyIncompleteFoldersRemoved() throws {
        let dir = Fixtures.temporaryDirectory()
        let bad = dir + "/bad.csv"
        try Fixtures.write("time_period,geographic_level,old_la_code,la_name,inpost_fte\n2023,Local authority,841,Darlington,twelve\n", to: bad)
        let p = try pipeline(in: dir)
        let pipelineOut = dir + "/out"
        #expect(try Fixtures.run(["run", "--pipeline", p, "--quiet"]).status == 0)
        #expect(try Fixtures.run(["run", "--pipeline", p, "--workforce", bad, "--quiet"]).status == 3)
        let folders = RunFolders(root: pipelineOut)
        let failed = folders.runs().filter { folders.state(of: $0) == .failed }
        try #require(failed.count == 1, "a cleanly failed run's folder is a failed run (manifest, no INCOMPLETE marker)")
        #expect(!FileManager.default.fileExists(atPath: failed[0] + "/INCOMPLETE"))
        // A no-op run keeps the failed run's folder and its manifest.
        let noop = try Fixtures.run(["run", "--pipeline", p])
        #expect(noop.stdout.contains("Nothing to do"))
        #expect(!noop.stderr.contains("stopped before finishing"), "\(noop.stderr)")
        #expect(FileManager.default.fileExists(atPath: failed[0] + "/manifest.json"))
        #expect(try json(failed[0] + "/manifest.json")["status"] as? String == "failed")
        // A folder left by a run killed early (its INCOMPLETE marker, no manifest) is removed, and the log says which.
        let stale = pipelineOut + "/runs/20200101T000000.000Z-dead00"
        try Fixtures.write("pid=1\n", to: stale + "/INCOMPLETE")
        let next = try Fixtures.run(["run", "--pipeline", p, "--force"])
        #expect(next.status == 0)
        #expect(next.stderr.contains("removed incomplete run folder \(stale)"), "\(next.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: failed[0]))
        // Failed runs have their own retention.
        let keep2 = try pipeline(in: dir, name: "keep2.yml") { $0 + "  keep_failed_runs: 2\n" }
        for _ in 0..<3 { #expect(try Fixtures.run(["run", "--pipeline", keep2, "--workforce", bad, "--quiet"]).status == 3) }
        #expect(folders.runs().filter { folders.state(of: $0) == .failed }.count == 2)
        #expect(folders.runs().filter { folders.state(of: $0) == .complete }.count == 2)
    }

    // MARK: 9. File-system failures are sentences

    @Test func outputPathProblemsNameThePathAndTheFix() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.write("not a folder\n", to: dir + "/file")
        for out in [dir + "/file", dir + "/file/below"] {
            let r = try Fixtures.run(["run", "--out", out])
            #expect(r.status == 1, "\(r.stderr)")
            #expect(r.stderr.contains("\(dir)/file is a file, not a folder"), "\(r.stderr)")
            #expect(r.stderr.contains("--out"), "\(r.stderr)")
            #expect(!r.stderr.contains("Error Domain") && !r.stderr.contains("NSCocoaErrorDomain"), "\(r.stderr)")
        }
    }

    /// A folder the user cannot write (as root, the run is made as `nobody` with setpriv).
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "running as root without /usr/bin/setpriv: cannot make a folder unwritable"))
    func anUnwritableFolderNamesThePathAndTheFix() throws {
        let dir = Fixtures.temporaryDirectory()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
        let locked = dir + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o555])
        let p = Process()
        let args = ["run", "--out", locked + "/out"]
        if getuid() == 0 {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            p.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", Fixtures.executable] + args
        } else {
            p.executableURL = URL(fileURLWithPath: Fixtures.executable)
            p.arguments = args
        }
        p.currentDirectoryURL = URL(fileURLWithPath: Fixtures.repoRoot)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("\(locked) is not writable") && stderr.contains("--out"), "\(stderr)")
        #expect(!stderr.contains("Error Domain"), "\(stderr)")
    }

    // MARK: 10. Every setting has a checked range

    /// The documented table in docs/pipelines.md is the one enforced, bound by bound.
    @Test func everySettingRangeIsDocumentedAndEnforced() throws {
        let doc = try String(contentsOfFile: Fixtures.repoRoot + "/docs/pipelines.md", encoding: .utf8)
        for r in SettingRanges.all {
            #expect(doc.contains("| `\(r.key)` | \(r.text) |"), "docs/pipelines.md lacks the range of \(r.key) (\(r.text))")
        }
        let dir = Fixtures.temporaryDirectory()
        for r in SettingRanges.all where !r.key.hasPrefix("--") {
            let parts = r.key.split(separator: ".").map(String.init)
            let concrete = parts.enumerated().map { i, p -> String in
                guard p == "*" else { return p }
                switch parts[i - 1] {
                case "blend": return "instability"
                case "weights": return "instability"
                case "judgement_concern": return "good"
                default: return "turnover_rate_fte"
                }
            }
            let integral = ["year", "trend_years", "window_months", "keep_runs", "keep_failed_runs", "draws", "seed", "unit_pages_above", "units_per_page"].contains(concrete.last!)
            for bad in [r.lower - (integral ? 1 : 0.5), r.upper + (integral ? 1 : 0.5)] {
                var yaml = "inputs:\n  workforce: \(Fixtures.repoRoot)/sample-data/workforce/*.csv\n"
                var indent = ""
                for (i, p) in concrete.enumerated() {
                    let value = i == concrete.count - 1 ? " \(integral ? String(Int(bad)) : String(bad))" : ""
                    yaml += "\(indent)\(p):\(value)\n"
                    indent += "  "
                }
                let path = dir + "/range.yml"
                try Fixtures.write(yaml, to: path)
                let res = try Fixtures.run(["pipeline", "validate", path])
                #expect(res.status == 2, "\(concrete.joined(separator: ".")) = \(bad) accepted")
                #expect(res.stderr.contains("range.yml:\(concrete.count + 2): \(concrete.joined(separator: ".")): must be from \(r.text)"),
                        "\(res.stderr)")
            }
        }
    }

    @Test func settingsThatHungCrashedOrPublishedNothingAreUsageErrors() throws {
        let dir = Fixtures.temporaryDirectory()
        for (setting, key) in [("settings:\n  scoring:\n    trend_years: 4000000000", "settings.scoring.trend_years"),
                               ("settings:\n  scoring:\n    year: -9223372036854775808", "settings.scoring.year"),
                               ("outputs:\n  formats: []", "outputs.formats")] {
            let p = try pipeline(in: dir, name: "s.yml") { $0.components(separatedBy: "\nsettings:")[0] + "\n" + setting + "\n" }
            let r = try Fixtures.run(["run", "--pipeline", p, "--out", dir + "/out"])
            #expect(r.status == 2, "\(setting): \(r.stderr)")
            #expect(r.stderr.contains("s.yml:") && r.stderr.contains(key), "\(r.stderr)")
            #expect(latestTarget(dir + "/out") == nil)
        }
        let r = try Fixtures.run(["run", "--year=-9223372036854775808", "--out", dir + "/out"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("--year must be from 2000 to 2100"), "\(r.stderr)")
    }

    // MARK: 11. Smaller things

    @Test func aYearNotInTheDataListsTheYearsItHas() throws {
        let dir = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--out", dir, "--year", "2016"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("has years: 2019, 2020, 2021, 2022, 2023"), "\(r.stderr)")
    }

    @Test func unusedInspectionTextsAndNeighbourRowsAndSyntheticDataAreReported() throws {
        let dir = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--out", dir, "--year", "2021"])
        #expect(r.status == 0, "\(r.stderr)")
        let manifest = try json(dir + "/latest/manifest.json")
        let warnings = manifest["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("sandwell_ilacs_2023.txt not used: dated 2023-03-17, outside") }, "\(warnings)")
        let inputs = manifest["inputs"] as? [[String: Any]] ?? []
        let neighbours = inputs.first { $0["kind"] as? String == "neighbours" }
        #expect((neighbours?["rows"] as? Int ?? 0) > 100, "\(String(describing: neighbours))")
        // Synthetic inputs are labelled in the summary, the manifest and every output.
        #expect(r.stdout.hasPrefix("SYNTHETIC DATA"), "\(r.stdout)")
        #expect((manifest["synthetic_inputs"] as? [String])?.first?.hasSuffix("sample-data") == true)
        let csv = try String(contentsOfFile: dir + "/latest/scores.csv", encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst()
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("synthetic sample data") })
        let scores = try json(dir + "/latest/scores.json")
        #expect((scores["warnings"] as? [String])?.first?.hasPrefix("SYNTHETIC DATA") == true)
    }

    /// Run from inside the synthetic folder with relative paths: the marker in the working folder
    /// is found (the walk up from "workforce/x.csv" used to stop before reaching ".").
    @Test func syntheticInputsAreFoundFromInsideTheirFolder() throws {
        let dir = Fixtures.temporaryDirectory()
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.repoRoot + "/sample-data/workforce").filter { $0.hasSuffix(".csv") }.sorted()
        #expect(!files.isEmpty)
        let r = try Fixtures.run(["run", "--workforce"] + files.map { "workforce/" + $0 } + ["--out", dir, "--quiet"], cwd: Fixtures.repoRoot + "/sample-data")
        #expect(r.status == 0, "\(r.stderr)")
        #expect((try json(dir + "/latest/manifest.json")["synthetic_inputs"] as? [String]) == ["."])
        #expect((try json(dir + "/latest/scores.json")["warnings"] as? [String])?.first?.hasPrefix("SYNTHETIC DATA") == true)
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func realDataIsNotLabelledSynthetic() throws {
        let dir = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce, "--out", dir, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("SYNTHETIC"))
        #expect((try json(dir + "/latest/manifest.json")["synthetic_inputs"] as? [String]) == [])
    }

    @Test func toolsVersionCoversEveryDependencyAndTheCIExample() throws {
        func toolsVersion(_ path: String) -> [Int]? {
            guard let first = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").first,
                  let r = first.range(of: "swift-tools-version:") else { return nil }
            return first[r.upperBound...].trimmingCharacters(in: .whitespaces).split(separator: ".").compactMap { Int($0) }
        }
        let ours = try #require(toolsVersion(Fixtures.repoRoot + "/Package.swift"))
        let checkouts = Fixtures.repoRoot + "/.build/checkouts"
        for dep in (try? FileManager.default.contentsOfDirectory(atPath: checkouts)) ?? [] {
            guard let theirs = toolsVersion("\(checkouts)/\(dep)/Package.swift") else { continue }
            #expect(!ours.lexicographicallyPrecedes(theirs), "\(dep) needs tools \(theirs), Package.swift declares \(ours)")
        }
        let readme = try String(contentsOfFile: Fixtures.repoRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains("container: swift:\(ours.map(String.init).joined(separator: "."))"), "README's CI example image must match the tools version")
    }

    // MARK: 12. Inspection input: sidecars, empty folders, what a folder holds (issue 27)

    /// A copy of sample-data/inspections in `dir/texts`, and a pipeline reading it (csv only).
    func inspectionPipeline(in dir: String, texts: [String]? = nil) throws -> (pipeline: String, folder: String) {
        let folder = dir + "/texts"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let source = Fixtures.repoRoot + "/sample-data/inspections"
        for f in try texts ?? FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + f, toPath: folder + "/" + f)
        }
        let p = try pipeline(in: dir) { $0.replacingOccurrences(of: Fixtures.repoRoot + "/sample-data/inspections", with: folder)
            .replacingOccurrences(of: "formats: [csv, json, xlsx, html]", with: "formats: [csv, json]") }
        return (p, folder)
    }

    func column(_ path: String, _ name: String, code: String) throws -> String? {
        let rows = try CSVReader.readAll(path: path).map(\.fields)
        let header = rows[0].map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        let c = header.firstIndex(of: "old_la_code")!, k = header.firstIndex(of: name)!
        return rows.dropFirst().first { $0[c] == code }?[k]
    }

    /// Editing a text's `.meta.yml` sidecar is a change: the next run scores again with it.
    @Test func editingAnInspectionSidecarIsAChange() throws {
        let dir = Fixtures.temporaryDirectory()
        let (p, folder) = try inspectionPipeline(in: dir)
        #expect(try Fixtures.run(["run", "--pipeline", p, "--quiet"]).status == 0)
        #expect(try column(dir + "/out/latest/scores.csv", "inspection_judgement", code: "330") == "inadequate")
        let manifest = try json(dir + "/out/latest/manifest.json")
        let inputs = manifest["inputs"] as? [[String: Any]] ?? []
        #expect(inputs.contains { $0["kind"] as? String == "inspection_metadata" && ($0["path"] as? String)?.hasSuffix("birmingham_letter_2023.txt.meta.yml") == true })
        let sidecar = folder + "/birmingham_letter_2023.txt.meta.yml"
        let text = try String(contentsOfFile: sidecar, encoding: .utf8)
        try Fixtures.write(text.replacingOccurrences(of: "judgement: inadequate", with: "judgement: good"), to: sidecar)
        let again = try Fixtures.run(["run", "--pipeline", p])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("Nothing to do"), "\(again.stdout)")
        #expect(try column(dir + "/out/latest/scores.csv", "inspection_judgement", code: "330") == "good")
        // Unchanged again: nothing to do.
        #expect(try Fixtures.run(["run", "--pipeline", p]).stdout.contains("Nothing to do"))
    }

    /// An empty inspection folder is said (log and manifest), and coverage reads as for a folder
    /// whose texts are all unusable: the inspection indicators are applicable and missing.
    @Test func anEmptyInspectionFolderIsSaidAndCoverageIsConsistent() throws {
        let empty = Fixtures.temporaryDirectory()
        let (p1, _) = try inspectionPipeline(in: empty, texts: [])
        let r = try Fixtures.run(["run", "--pipeline", p1])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("holds no inspection text"), "\(r.stdout)\n\(r.stderr)")
        let manifest = try json(empty + "/out/latest/manifest.json")
        let folders = manifest["inspection_folders"] as? [[String: Any]] ?? []
        #expect(folders.count == 1 && folders.first?["texts"] as? Int == 0, "\(folders)")
        #expect((manifest["warnings"] as? [String] ?? []).contains { $0.contains("holds no inspection text") })
        // A folder holding only a text about no English authority: the same coverage.
        let unusable = Fixtures.temporaryDirectory()
        let (p2, _) = try inspectionPipeline(in: unusable, texts: ["glasgow_council_news_2022.txt"])
        #expect(try Fixtures.run(["run", "--pipeline", p2, "--quiet"]).status == 0)
        let a = try column(empty + "/out/latest/scores.csv", "coverage", code: "330")
        let b = try column(unusable + "/out/latest/scores.csv", "coverage", code: "330")
        #expect(a != nil && a == b, "empty folder \(a ?? "-"), unusable texts \(b ?? "-")")
        #expect(Double(a ?? "") ?? 1 < 1)
    }

    /// A folder's README, other file types and a sidecar without its text are passed over with
    /// the reason in the log and the manifest, at any depth; the texts in subfolders are read.
    @Test func aFolderReadsOnlyTextsAndSaysWhatItPassedOver() throws {
        let dir = Fixtures.temporaryDirectory()
        let (p, folder) = try inspectionPipeline(in: dir)
        try FileManager.default.createDirectory(atPath: folder + "/more", withIntermediateDirectories: true)
        try Fixtures.write("# Notes\nThese are Birmingham and Sutton children's services inspection letters, judged inadequate by Ofsted.\n", to: folder + "/more/README.md")
        try Fixtures.write("x", to: folder + "/labels.json")
        try Fixtures.write("la_code: \"330\"\n", to: folder + "/gone.txt.meta.yml")
        try FileManager.default.moveItem(atPath: folder + "/sutton_focused_visit_2022.txt", toPath: folder + "/more/sutton_focused_visit_2022.txt")
        let r = try Fixtures.run(["run", "--pipeline", p])
        #expect(r.status == 0, "\(r.stderr)")
        let manifest = try json(dir + "/out/latest/manifest.json")
        let inputs = (manifest["inputs"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(!inputs.contains { $0.hasSuffix("README.md") || $0.hasSuffix("labels.json") })
        #expect(inputs.contains { $0.hasSuffix("more/sutton_focused_visit_2022.txt") })
        let folders = manifest["inspection_folders"] as? [[String: Any]] ?? []
        let passed = (folders.first?["passed_over"] as? [[String: String]] ?? []).map { (($0["file"]! as NSString).lastPathComponent, $0["reason"]!) }
        #expect(passed.contains { $0.0 == "README.md" && $0.1.contains("README") }, "\(passed)")
        #expect(passed.contains { $0.0 == "labels.json" && $0.1.contains("'.json' is not an inspection text extension") }, "\(passed)")
        #expect(passed.contains { $0.0 == "gone.txt.meta.yml" && $0.1.contains("no text beside it") }, "\(passed)")
        #expect(!passed.contains { $0.0 == "birmingham_letter_2023.txt.meta.yml" }, "a sidecar with its text is read, not passed over")
        #expect(passed.count == 3, "\(passed)")
        #expect(r.stderr.contains("passed over") && r.stderr.contains("README.md"), "\(r.stderr)")
    }
}
