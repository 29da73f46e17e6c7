import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRisk

/// End-to-end runs of the `wfrisk` executable: locking, atomic publish, kill -9, manifests.
@Suite(.serialized) struct PipelineRunTests {
    let nightly = Fixtures.repoRoot + "/pipelines/nightly.yml"

    func latestTarget(_ out: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: out + "/latest") }
    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func defaultRunPublishesCompleteOutputsAndAManifest() throws {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Top 10"))
        let latest = out + "/latest"
        for f in ["scores.csv", "scores.json", "manifest.json"] { #expect(FileManager.default.fileExists(atPath: "\(latest)/\(f)")) }
        #expect(!FileManager.default.fileExists(atPath: latest + "/INCOMPLETE"))
        let manifest = try JSONSerialization.jsonObject(with: bytes(latest + "/manifest.json")!) as! [String: Any]
        #expect(manifest["status"] as? String == "success")
        let stages = (manifest["stages"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(stages == ["load_reference", "ingest_workforce", "ingest_demand", "extract_inspections", "load_ofsted", "join", "score", "rank", "uncertainty", "write"])
        let inputs = manifest["inputs"] as! [[String: Any]]
        #expect(inputs.contains { $0["kind"] as? String == "workforce" && ($0["rows"] as? Int ?? 0) > 100 && ($0["sha256"] as? String)?.count == 64 })
        // The sample inspections reach the scores.
        let csv = String(decoding: bytes(latest + "/scores.csv")!, as: UTF8.self)
        #expect(csv.contains("Sandwell") && csv.contains("requires_improvement"))
    }

    @Test func unchangedRerunDoesNothingAndForceReruns() throws {
        let out = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", out, "--quiet"]).status == 0)
        let first = latestTarget(out)
        let again = try Fixtures.run(["run", "--out", out])
        #expect(again.status == 0)
        #expect(again.stdout.contains("Nothing to do"))
        #expect(latestTarget(out) == first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/runs").count == 1)
        let forced = try Fixtures.run(["run", "--out", out, "--force", "--quiet"])
        #expect(forced.status == 0)
        #expect(latestTarget(out) != first)
    }

    @Test func aSecondConcurrentRunExitsWithTheLockCode() throws {
        let out = Fixtures.temporaryDirectory()
        let first = try Fixtures.start(["run", "--out", out, "--quiet"], environment: ["WFRISK_TEST_PAUSE_BEFORE_PUBLISH": "4"])
        defer { first.waitUntilExit() }
        try waitFor { (try? String(contentsOfFile: out + "/.lock", encoding: .utf8))?.contains("pid=") == true }
        let second = try Fixtures.run(["run", "--out", out, "--force"])
        #expect(second.status == 4)
        #expect(second.stderr.contains("another run of this pipeline holds"))
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
    }

    @Test func killedMidRunLeavesLatestIntactAndTheNextRunCleansUp() throws {
        let out = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", out, "--quiet"]).status == 0)
        let before = latestTarget(out)
        let beforeCSV = bytes(out + "/latest/scores.csv")
        let victim = try Fixtures.start(["run", "--out", out, "--force", "--quiet"], environment: ["WFRISK_TEST_PAUSE_BEFORE_PUBLISH": "30"])
        // Wait until the victim has written its scores into its own run folder, then kill -9.
        var victimDir: String?
        try waitFor {
            victimDir = RunFolders(root: out).runs().first { $0.hasSuffix(before ?? "") == false && FileManager.default.fileExists(atPath: $0 + "/scores.csv") && FileManager.default.fileExists(atPath: $0 + "/INCOMPLETE") }
            return victimDir != nil
        }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(latestTarget(out) == before)
        #expect(bytes(out + "/latest/scores.csv") == beforeCSV)
        #expect(FileManager.default.fileExists(atPath: victimDir! + "/INCOMPLETE"))
        // The next run recovers the lock, removes the dead run's folder and publishes.
        let next = try Fixtures.run(["run", "--out", out, "--force"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("removed incomplete run folder"))
        #expect(!FileManager.default.fileExists(atPath: victimDir!))
    }

    @Test func aStaleLockIsRecovered() throws {
        let out = Fixtures.temporaryDirectory()
        try Fixtures.write("pid=999999 host=gone started=2020-01-01T00:00:00Z\n", to: out + "/.lock")
        let r = try Fixtures.run(["run", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("recovered a lock left by process 999999"))
    }

    @Test func retentionKeepsTheLastRuns() throws {
        let dir = Fixtures.temporaryDirectory()
        let pipeline = dir + "/keep2.yml"
        try Fixtures.write("""
            inputs:
              workforce: \(Fixtures.repoRoot)/sample-data/workforce/*.csv
            outputs:
              directory: \(dir)/out
              keep_runs: 2
            """, to: pipeline)
        for _ in 0..<3 { #expect(try Fixtures.run(["run", "--pipeline", pipeline, "--force", "--quiet"]).status == 0) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out/runs").count == 2)
        #expect(FileManager.default.fileExists(atPath: dir + "/out/latest/scores.csv"))
    }

    @Test func outputsAreByteIdenticalWhateverTheThreadCount() throws {
        let a = Fixtures.temporaryDirectory(), b = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", a, "--threads", "1", "--quiet"]).status == 0)
        #expect(try Fixtures.run(["run", "--out", b, "--threads", "4", "--quiet"]).status == 0)
        for f in ["scores.csv", "scores.json"] {
            #expect(bytes(a + "/latest/" + f) == bytes(b + "/latest/" + f), "\(f) differs between 1 and 4 threads")
        }
    }

    @Test func aBrokenPipelineFileNamesFileLineAndKey() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/broken.yml"
        try Fixtures.write("""
            inputs:
              workforce: \(Fixtures.repoRoot)/sample-data/workforce/*.csv
            settings:
              scoring:
                prior_fte: 25
                wieghts:
                  instability: {}
            """, to: path)
        let r = try Fixtures.run(["run", "--pipeline", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("broken.yml:6: settings.scoring.wieghts: unknown key 'wieghts'"), "\(r.stderr)")
        try Fixtures.write("inputs:\n  workforce: x.csv\nsettings:\n  scoring:\n    min_coverage: lots\n", to: path)
        let typed = try Fixtures.run(["pipeline", "validate", path])
        #expect(typed.status == 2)
        #expect(typed.stderr.contains("broken.yml:5: settings.scoring.min_coverage: expected a number, got 'lots'"), "\(typed.stderr)")
    }

    @Test func badInputExitsThreeNamingFileLineAndFieldAndPublishesNothing() throws {
        let dir = Fixtures.temporaryDirectory()
        let csv = dir + "/bad.csv"
        try Fixtures.write("time_period,geographic_level,old_la_code,la_name,inpost_fte\n2023,Local authority,841,Darlington,twelve\n", to: csv)
        let r = try Fixtures.run(["run", "--workforce", csv, "--out", dir + "/out"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("bad.csv:2: field 'inpost_fte': 'twelve' is neither a number"), "\(r.stderr)")
        #expect(latestTarget(dir + "/out") == nil)
        let runs = RunFolders(root: dir + "/out").runs()
        #expect(runs.count == 1)
        let manifest = try JSONSerialization.jsonObject(with: bytes(runs[0] + "/manifest.json")!) as! [String: Any]
        #expect(manifest["status"] as? String == "failed")
        #expect(manifest["failed_stage"] as? String == "ingest_workforce")
        #expect(!FileManager.default.fileExists(atPath: runs[0] + "/scores.csv"))
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func manifestOfARealRunListsInputsAndStageTimings() throws {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce, "--demand", Fixtures.realB1, Fixtures.realC1,
                                  "--neighbours", Fixtures.realNeighbours, "--out", out, "--log-format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        // Every log line is a JSON object.
        for line in r.stderr.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
        let manifest = try JSONSerialization.jsonObject(with: bytes(out + "/latest/manifest.json")!) as! [String: Any]
        let inputs = manifest["inputs"] as! [[String: Any]]
        let workforce = inputs.first { $0["kind"] as? String == "workforce" }!
        #expect(workforce["rows"] as? Int == 1137)
        #expect(workforce["sha256"] as? String == (try SHA256Digest.hex(ofFile: Fixtures.realWorkforce)))
        for stage in manifest["stages"] as! [[String: Any]] {
            #expect(stage["status"] as? String == "ok")
            #expect(stage["duration_seconds"] is NSNumber)
        }
    }

    func waitFor(seconds: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        Issue.record("condition not met within \(seconds)s")
    }
}
