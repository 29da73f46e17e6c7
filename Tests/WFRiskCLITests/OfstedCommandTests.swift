import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest

/// `wfrisk ofsted history`, `--ofsted` in runs (manifest counts, a record that ends long before
/// the census) and in `extract`, on the real files in ../shared.
@Suite struct OfstedCommandTests {
    static var scraperCSV: String { Fixtures.sharedData + "/ofsted/reports/ofsted_csc_ilacs_history_to_2021-09.csv" }
    static var available: Bool {
        Fixtures.sharedAvailable && FileManager.default.fileExists(atPath: Fixtures.realOfsted) && FileManager.default.fileExists(atPath: scraperCSV)
    }

    static func rows(_ path: String) throws -> [[String: String]] {
        let all = try CSVReader.readAll(path: path).map(\.fields)
        return all.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(all[0], $0).map { ($0, $1) }) }
    }

    /// The judgements file's rows that come from the scraper's CSV equal the history read from
    /// it, field for field where the scraper has the field.
    @Test(.enabled(if: available, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func theHistoryFromTheScraperCSVEqualsTheJudgementsFileRowsItGave() throws {
        let out = Fixtures.temporaryDirectory() + "/history.csv"
        let r = try Fixtures.run(["ofsted", "history", Self.scraperCSV, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        // 175 SIF and older reports, and 3 reports marked ILACS without an overall grade (Doncaster's
        // January 2018 report, a SIF one the scraper calls standard; Nottingham's and Southend's 2019 ones).
        #expect(r.stderr.contains("passed over 175 row(s)") && r.stderr.contains("reads no grades from SIF"), "\(r.stderr)")
        #expect(r.stderr.contains("passed over 3 row(s)") && r.stderr.contains("(lines 58, 180, 231)"), "\(r.stderr)")
        let made = try Self.rows(out)
        let reference = try Self.rows(Fixtures.realOfsted).filter { $0["framework"] == "ilacs" && ($0["source"] ?? "").contains("ofsted-ilacs-scrape-tool") }
        #expect(made.count == 100)
        let fields = ["new_la_code", "old_la_code", "framework", "inspection_date", "inspection_end_date", "publication_date", "date_precision",
                      "overall_effectiveness", "leadership", "help_and_protection", "children_in_care", "care_leavers", "ofsted_urn", "note"]
        var matched = 0
        for row in made {
            let same = reference.filter { $0["old_la_code"] == row["old_la_code"] && $0["publication_date"] == row["publication_date"] }
            let ref = try #require(same.first, "no reference row for \(row)")
            for f in fields {
                // Barnsley and Sheffield were recoded in 2024 (E08000038, E08000039); the registry
                // gives the codes of the years it covers.
                if f == "new_la_code" && ["370", "373"].contains(row["old_la_code"]) { continue }
                #expect(ref[f] == row[f], "\(f): \(ref[f] ?? "-") vs \(row[f] ?? "-") for \(row["la_name"] ?? "")")
            }
            matched += 1
        }
        #expect(matched == made.count)
        // Read together with the judgements file: every one of its inspections agrees.
        let both = try Fixtures.run(["ofsted", "history", Fixtures.realOfsted, Self.scraperCSV, "--out", out])
        #expect(both.status == 0 && both.stdout.contains("100 read twice"), "\(both.stdout)\(both.stderr)")
    }

    @Test(.enabled(if: available, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func aRunRecordsTheOfstedRowsAndWarnsWhenTheRecordEndsLongBeforeTheCensus() throws {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--workforce", Fixtures.realWorkforce, "--ofsted", Fixtures.realOfsted, Self.scraperCSV, "--year", "2023",
                                  "--draws", "0", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("ends 2021-08-20, more than a year before the 2023 census"), "\(r.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/latest/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let inputs = try #require(manifest["inputs"] as? [[String: Any]]).filter { ($0["kind"] as? String) == "ofsted" }
        #expect(inputs.count == 2)
        #expect(inputs.allSatisfy { ($0["rows"] as? Int) == 277 || ($0["rows"] as? Int) == 278 }, "\(inputs)")
        let warnings = try #require(manifest["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("more than a year before the 2023 census") })
        #expect(warnings.contains { $0.contains("no overall grade") })
    }

    @Test func aFolderWhosePDFCannotBeReadSaysSoAndGivesNoJudgement() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.write("%PDF-1.4 truncated", to: dir + "/reports/1_x/report - 07 january 2019.pdf")
        let r = try Fixtures.run(["ofsted", "history", dir + "/reports", "--out", dir + "/h.csv"])
        #expect(r.status == 0 && r.stderr.contains("report - 07 january 2019.pdf: unreadable"), "\(r.stderr)")
        #expect(try Self.rows(dir + "/h.csv").isEmpty)
        let empty = Fixtures.temporaryDirectory()
        let none = try Fixtures.run(["ofsted", "history", empty, "--out", dir + "/h2.csv"])
        #expect(none.status == 3 && none.stderr.contains("no .pdf file"), "\(none.stderr)")
    }

    /// Report PDFs read as the record: the same judgements as the judgements file's rows from them.
    @Test(.enabled(if: available, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func reportPDFsGiveTheJudgementsFileRows() throws {
        let reports = Fixtures.sharedData + "/ofsted/reports/"
        let files = ["80419_isle of wight/children's services inspection - 07 january 2019.pdf",
                     "80419_isle of wight/children's services inspection - 19 november 2014.pdf",
                     "80441_bristol/children's services inspection - 22 october 2018.pdf",
                     "80418_norfolk/children's services inspection,  pdf - 16 august 2013.pdf"].map { reports + $0 }
        let out = Fixtures.temporaryDirectory() + "/history.csv"
        let r = try Fixtures.run(["ofsted", "history"] + files + ["--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("16 august 2013.pdf: no graded judgement: a report of a framework before the SIF"), "\(r.stderr)")
        let made = try Self.rows(out)
        #expect(made.count == 3)
        let reference = try Self.rows(Fixtures.realOfsted)
        let fields = ["new_la_code", "old_la_code", "framework", "inspection_date", "inspection_end_date", "publication_date",
                      "overall_effectiveness", "leadership", "help_and_protection", "children_in_care", "care_leavers", "ofsted_urn", "note"]
        for row in made {
            let ref = try #require(reference.first { $0["old_la_code"] == row["old_la_code"] && $0["inspection_date"] == row["inspection_date"] }, "\(row)")
            for f in fields { #expect(ref[f] == row[f], "\(f): \(ref[f] ?? "-") vs \(row[f] ?? "-") for \(row["la_name"] ?? "")") }
        }
    }

    /// The record wins over prose in `extract --ofsted`, and the text's own reading is kept.
    @Test func extractWithARecordUsesTheRecordsJudgementAndVisitAndKeepsTheTexts() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.write("""
            new_la_code,old_la_code,la_name,framework,inspection_date,inspection_end_date,publication_date,date_precision,overall_effectiveness,leadership,help_and_protection,children_in_care,care_leavers,ofsted_urn,source,note
            E09000002,301,Barking and Dagenham,sif,2015-01-05,2015-01-28,2015-03-10,day,inadequate,,,,,,,
            E09000002,301,Barking and Dagenham,ilacs,2019-02-18,2019-03-01,2019-04-01,day,requires improvement,,,,,,,ILACS standard

            """, to: dir + "/j.csv")
        try Fixtures.write("""
            ---
            date: 2016-06-14
            ---
            Ofsted inspectors visited Barking and Dagenham children's services. The council was rated good by inspectors, who found social workers' caseloads too high and agency staff turnover rising.

            """, to: dir + "/texts/barking.md")
        let r = try Fixtures.run(["extract", dir + "/texts", "--json", "--ofsted", dir + "/j.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let docs = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let a = try #require((docs.first?["authorities"] as? [[String: Any]])?.first { ($0["old_la_code"] as? String) == "301" })
        #expect(a["judgement"] as? String == "good", "the text's own reading is kept: \(a)")
        #expect(a["judgement_used"] as? String == "inadequate" && a["judgement_from"] as? String == "ofsted_record", "\(a)")
        #expect(a["visit_type_used"] as? String == "monitoring_visit" && a["visit_type_from"] as? String == "ofsted_record", "\(a)")
        let record = try #require(a["record"] as? [String: Any])
        #expect(record["published"] as? String == "2015-03-10" && (record["source"] as? String ?? "").hasSuffix("j.csv:2"))
        #expect(docs.first?["judgement_used"] as? String == "inadequate")
        // Without the record: the text's reading is used.
        let plain = try Fixtures.run(["extract", dir + "/texts", "--json"])
        let plainDocs = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [[String: Any]])
        let p = try #require((plainDocs.first?["authorities"] as? [[String: Any]])?.first)
        #expect(p["judgement_used"] as? String == p["judgement"] as? String && p["judgement_from"] as? String == "text" && p["record"] is NSNull)
    }
}
