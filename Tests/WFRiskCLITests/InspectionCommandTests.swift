import Foundation
import Testing
import WFRiskTestSupport
import WFRiskOfsted
@testable import WFRiskIngest
@testable import WFRiskInspections
@testable import WFRisk

/// The `extract` command and the inspection component, through the wfrisk executable.
@Suite struct InspectionCommandTests {
    static var dev: String { Fixtures.sharedData + "/inspections/dev" }
    static var available: Bool { FileManager.default.fileExists(atPath: dev + "/labels.json") }

    /// An empty folder, or one with nothing readable, is said on stderr (it printed `[]` and
    /// nothing else); the files passed over are named with their reasons.
    @Test func extractSaysWhenAFolderHoldsNoText() throws {
        let dir = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["extract", dir, "--json"])
        #expect(r.status == 0 && r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        #expect(r.stderr.contains("\(dir) holds no inspection text") && r.stderr.contains(".pdf"), "\(r.stderr)")
        try Data("a,b\n".utf8).write(to: URL(fileURLWithPath: dir + "/figures.csv"))
        let r2 = try Fixtures.run(["extract", dir])
        #expect(r2.stderr.contains("passed over \(dir)/figures.csv") && r2.stderr.contains("holds no inspection text"), "\(r2.stderr)")
    }

    @Test func extractJSONKeepsTheContract() throws {
        let r = try Fixtures.run(["extract", Fixtures.repoRoot + "/sample-data/inspections", "--json"])
        #expect(r.status == 0)
        let docs = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(docs.count == 6)
        for d in docs {
            #expect(Set(d.keys) == ["contract_version", "file", "document_kind", "authorities", "visit_type", "date", "judgement",
                                    "visit_type_used", "judgement_used", "signals", "numbers"])
            #expect(DocumentKind(rawValue: d["document_kind"] as? String ?? "") != nil)
            #expect(d["contract_version"] as? Int == InspectionDocument.contractVersion)
            for a in d["authorities"] as! [[String: Any]] {
                #expect(Set(a.keys) == ["new_la_code", "old_la_code", "la_name", "role", "evidence", "visit_type", "judgement", "date",
                                        "framework", "inspection_start", "inspection_end", "sub_judgements", "sub_judgement_evidence", "overall_evidence",
                                        "judgement_used", "judgement_from", "visit_type_used", "visit_type_from", "record"])
                let subs = a["sub_judgements"] as! [String: Any]
                #expect(Set(subs.keys) == Set(OfstedReportReading.Area.allCases.map(\.rawValue)))
                for v in subs.values { if let j = v as? String { #expect(Judgement(rawValue: j) != nil) } }
                if let v = a["visit_type"] as? String { #expect(VisitType(rawValue: v) != nil) }
                if let j = a["judgement"] as? String { #expect(Judgement(rawValue: j) != nil) }
            }
            for s in d["signals"] as! [[String: Any]] {
                #expect(Set(s.keys) == ["theme", "polarity", "evidence", "start", "end", "la_code"])
                #expect(Theme(rawValue: s["theme"] as! String) != nil)
                #expect(Polarity(rawValue: s["polarity"] as! String) != nil)
            }
            for n in d["numbers"] as! [[String: Any]] { #expect(Set(n.keys) == ["measure", "value", "unit", "evidence", "la_code"]) }
            if let v = d["visit_type"] as? String { #expect(VisitType(rawValue: v) != nil) }
            if let j = d["judgement"] as? String { #expect(Judgement(rawValue: j) != nil) }
        }
        // The boilerplate's Kent story and the school, Scottish and adult-care texts link nothing.
        let linked = Set(docs.flatMap { ($0["authorities"] as! [[String: Any]]).map { $0["old_la_code"] as! String } })
        #expect(!linked.contains("886") && !linked.contains("926"))
        #expect(r.stderr.contains("empty_file.txt: empty file"))
    }

    /// A folder of PDFs through `extract` and `run --inspections`: the report read, the
    /// unreadable ones named with their reason on stderr and in the run's manifest.
    @Test func pdfsInExtractAndRun() throws {
        let dir = Fixtures.temporaryDirectory()
        let texts = dir + "/texts"
        try FileManager.default.createDirectory(atPath: texts, withIntermediateDirectories: true)
        let report = TinyPDF.make(pages: [[
            "Wigan Council", "Inspection of children's social care services", "Inspection dates: 7 January 2019 to 18 January 2019",
            "Overall effectiveness\tInadequate",
            "Inspectors found that caseloads are too high and that the council relies heavily on agency social workers.",
        ]])
        _ = FileManager.default.createFile(atPath: texts + "/wigan.pdf", contents: Data(report))
        _ = FileManager.default.createFile(atPath: texts + "/cut.pdf", contents: Data(report.prefix(report.count / 2)))
        _ = FileManager.default.createFile(atPath: texts + "/empty.pdf", contents: Data())
        let r = try Fixtures.run(["extract", texts, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let docs = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(docs.count == 1)
        #expect(docs.first?["document_kind"] as? String == "ofsted_report")
        let a = (docs.first?["authorities"] as? [[String: Any]])?.first
        #expect(a?["old_la_code"] as? String == "359" && a?["judgement"] as? String == "inadequate" && a?["inspection_end"] as? String == "2019-01-18")
        #expect(r.stderr.contains("cut.pdf: truncated PDF"), "\(r.stderr)")
        #expect(r.stderr.contains("empty.pdf: empty file"), "\(r.stderr)")

        let run = try Fixtures.run(["run", "--out", dir + "/out", "--year", "2021", "--inspections", texts,
                                    "--workforce", Fixtures.repoRoot + "/sample-data/workforce/csww_2021_to_2023.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/latest/manifest.json"))) as! [String: Any]
        let warnings = manifest["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("cut.pdf: truncated PDF") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("empty.pdf: empty file") }, "\(warnings)")
    }

    /// TextScore is score.py: the same summary line on the same predictions, and 1.00 on the gold.
    @Test func scorerMatchesScorePy() throws {
        guard Self.available else { print("skipped: \(Self.dev) not present"); return }
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let dir = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["extract", Self.dev + "/texts", "--json"])
        try Fixtures.write(r.stdout, to: dir + "/pred.json")
        let labels = try TextScore.readObjects(Self.dev + "/labels.json")
        let mine = TextScore.score(labels: labels, predictions: try TextScore.readObjects(dir + "/pred.json"))
        // Deliberately worse predictions too: every other text dropped, polarities flipped.
        var worse = try TextScore.readObjects(dir + "/pred.json").enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        for k in worse.indices {
            worse[k]["signals"] = (worse[k]["signals"] as? [[String: Any]] ?? []).map { s in
                var s = s
                s["polarity"] = (s["polarity"] as? String) == "concern" ? "positive" : "concern"
                return s
            }
            worse[k]["judgement"] = NSNull()
        }
        let worseData = try JSONSerialization.data(withJSONObject: worse)
        try worseData.write(to: URL(fileURLWithPath: dir + "/worse.json"))
        let worseScore = TextScore.score(labels: labels, predictions: worse)
        #expect(worseScore.summary != mine.summary)
        guard let python else { print("skipped the comparison with score.py: no python3"); return }
        for (file, score) in [("pred.json", mine), ("worse.json", worseScore)] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = [Self.dev + "/score.py", Self.dev + "/labels.json", dir + "/" + file]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == score.summary)
        }
    }
}

@Suite struct InspectionJoinTests {
    @Test func sampleEvidenceReachesTheScoresIncludingSuccessors() throws {
        let out = Fixtures.temporaryDirectory()
        #expect(try Fixtures.run(["run", "--out", out, "--quiet"]).status == 0)
        let f = try ScoreDiff.load(out + "/latest")
        let csvRows = try CSVReader.readAll(path: out + "/latest/scores.csv")
        let header = csvRows[0].fields
        func row(_ code: String) -> [String: String] {
            let r = csvRows.first { $0.fields[header.firstIndex(of: "old_la_code")!] == code }!.fields
            return Dictionary(uniqueKeysWithValues: zip(header, r))
        }
        #expect(f.rows.count == 151)
        // Cumbria's 2022 letter counts for both successors.
        for code in ["942", "943"] {
            #expect(row(code)["inspection_latest_date"] == "2022-06-14")
            // The contribution is in indicators.csv (one row per unit and indicator).
            let indicators = try CSVReader.readAll(path: out + "/latest/indicators.csv")
            let ih = indicators[0].fields
            let contribution = indicators.first { $0.fields[ih.firstIndex(of: "old_la_code")!] == code
                && $0.fields[ih.firstIndex(of: "indicator")!] == "inspection_instability" }?.fields[ih.firstIndex(of: "contribution")!]
            #expect(contribution?.isEmpty == false)
        }
        #expect(row("333")["inspection_judgement"] == "requires_improvement")
        #expect(row("333")["inspection_evidence"]?.contains("\"") == true)
        // Kingston's text counts for the joint return.
        #expect(row("314 / 318")["inspection_latest_date"] == "2021-11-19")
        // No text: no component, and coverage says so.
        let none = row("841")
        let indicators = try CSVReader.readAll(path: out + "/latest/indicators.csv")
        let ih = indicators[0].fields
        let noText = indicators.first { $0.fields[ih.firstIndex(of: "old_la_code")!] == "841" && $0.fields[ih.firstIndex(of: "indicator")!] == "inspection_instability" }
        #expect(noText?.fields[ih.firstIndex(of: "value")!] == "")
        #expect(noText?.fields[ih.firstIndex(of: "note")!] == "no inspection text in window")
        #expect(Double(none["instability_coverage"]!)! < 1)
        let json = try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: out + "/latest/scores.json")!) as! [String: Any]
        let units = json["units"] as! [[String: Any]]
        let sandwell = units.first { $0["old_la_code"] as? String == "333" }!
        let evidence = (sandwell["inspection"] as! [String: Any])["evidence"] as! [[String: Any]]
        #expect(evidence.contains { ($0["file"] as! String).hasSuffix("sandwell_ilacs_2023.txt") && ($0["evidence"] as! String).contains("Caseloads") })
    }
}

/// Issue 13: the rules that read structure, each on a text written for it (not from the dev set).
