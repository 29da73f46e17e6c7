import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore

/// A run above `settings.report.unit_pages_above` (set small in its pipeline file): the unit
/// pages are published with the run, the manifest lists their folder, and the commands that
/// read run folders (diff, retention) still work.
@Suite struct ReportPagesRunTests {
    @Test func pagesArePublishedListedAndTheRunFolderStillReads() throws {
        let dir = Fixtures.temporaryDirectory()
        let pipeline = try Fixtures.unitPagesPipeline(in: dir, seed: 5, formats: "[csv, html]")
        for _ in 0..<2 {
            let r = try Fixtures.run(["run", "--pipeline", pipeline, "--force", "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let latest = dir + "/out/latest"
        let pages = try FileManager.default.contentsOfDirectory(atPath: latest + "/report").sorted()
        let n = SyntheticData.authorities.count
        #expect(pages.count == (n + Fixtures.unitsPerPage - 1) / Fixtures.unitsPerPage && pages.count > 1, "\(pages)")
        let manifest = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: latest + "/manifest.json"))) as! [String: Any]
        let outputs = manifest["outputs"] as! [[String: Any]]
        let folder = try #require(outputs.first { $0["name"] as? String == "report/" })
        #expect(folder["files"] as? Int == pages.count)
        var listing = ""
        var bytes = 0
        for p in pages {
            listing += "\(try SHA256Digest.hex(ofFile: latest + "/report/" + p))  \(p)\n"
            bytes += try Data(contentsOf: URL(fileURLWithPath: latest + "/report/" + p)).count
        }
        #expect(folder["sha256"] as? String == SHA256Digest.hex(of: Array(listing.utf8)), "the folder's hash is that of its sha256sum listing")
        #expect(folder["bytes"] as? Int == bytes)
        let report = (manifest["settings"] as! [String: Any])["report"] as! [String: Any]
        #expect(report["unit_pages_above"] as? Int == 3 && report["units_per_page"] as? Int == Fixtures.unitsPerPage)
        // keep_runs 1: the first run's folder, pages and all, was removed by retention.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out/runs").count == 1)
        let diff = try Fixtures.run(["diff", latest, latest])
        #expect(diff.status == 0, "\(diff.stdout) \(diff.stderr)")
    }
}
