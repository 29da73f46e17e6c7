import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskOfsted

/// The readers of every source of Ofsted's record, their merge, and issue 27's Ofsted-input findings.
@Suite struct OfstedSourceTests {
    static let header = "new_la_code,old_la_code,la_name,framework,inspection_date,inspection_end_date,publication_date,date_precision,overall_effectiveness,leadership,help_and_protection,children_in_care,care_leavers,ofsted_urn,source,note"
    static let scraperHeader = "urn,local_authority,inspection_link,pdf_filename,publication_date,inspection_framework,inspector_name,inspection_start_date,inspection_end_date,overall_effectiveness_grade,impact_of_leaders_grade,help_and_protection_grade,in_care_grade,care_leavers_grade,parser_version"
    static let today = DayStamp(iso: "2026-01-01")!

    func file(_ name: String, _ rows: [String], header: String = OfstedSourceTests.header) throws -> String {
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/" + name
        try Fixtures.write(([header] + rows).joined(separator: "\n") + "\n", to: path)
        return path
    }

    func load(_ paths: [String], reports: (any ReportJudgementReader)? = nil) throws -> OfstedRecord {
        try OfstedRecord.load(paths: paths, registry: try Fixtures.registry(), reports: reports, today: Self.today)
    }

    /// The error's text, or "" when none was thrown.
    func failure(_ paths: [String], reports: (any ReportJudgementReader)? = nil) -> String {
        do { _ = try load(paths, reports: reports); return "" } catch { return "\(error)" }
    }

    // MARK: Issue 27: the Ofsted-input findings

    @Test func twoDifferentJudgementsForOneInspectionAreAnErrorNamingBothRows() throws {
        let path = try file("j.csv", [
            "E09000002,301,Barking and Dagenham,ilacs,2019-02-18,2019-03-01,2019-04-01,day,requires improvement,,,,,,,ILACS standard",
            "E09000002,301,Barking and Dagenham,ilacs,2019-02-18,2019-03-01,2019-04-01,day,good,,,,,,,ILACS standard",
        ])
        let text = failure([path])
        #expect(text.contains("j.csv:2") && text.contains("j.csv:3") && text.contains("requires improvement vs good"), "\(text)")
        // The same row twice is one inspection, kept once and said so.
        let same = try file("same.csv", [
            "E09000002,301,Barking and Dagenham,ilacs,2019-02-18,2019-03-01,2019-04-01,day,good,,,,,,,ILACS standard",
            "E09000002,301,Barking and Dagenham,ilacs,2019-02-18,2019-03-01,2019-04-01,day,good,,,,,,,ILACS standard",
        ])
        let record = try load([same])
        #expect(record.history.all.count == 1 && record.merged == 1)
        #expect(record.passedOverSummary.contains { $0.contains("same.csv") && $0.contains("lines 3") })
    }

    @Test func aRowWhoseCodeAndNameDisagreeIsAnErrorNamingLineAndField() throws {
        let path = try file("j.csv", ["E09000002,301,Barnet,sif,,,2017-07-07,day,inadequate,,,,,,,"])
        let text = failure([path])
        #expect(text.contains("j.csv:2: field 'la_name'") && text.contains("Barnet (302)"), "\(text)")
        let codes = try file("k.csv", ["E09000003,301,,sif,,,2017-07-07,day,inadequate,,,,,,,"])
        #expect(failure([codes]).contains("k.csv:2: field 'new_la_code'"))
    }

    @Test func theJointCodeFormGivesEachMemberTheJudgement() throws {
        let path = try file("j.csv", [",314 / 318,Kingston upon Thames / Richmond upon Thames,ilacs,,,2019-12-19,day,outstanding,,,,,,,ILACS standard"])
        let history = try load([path]).history
        #expect(history.byCode["314"]?.count == 1 && history.byCode["318"]?.count == 1)
        let registry = try Fixtures.registry()
        #expect(history.inForce(ReportingUnit(memberCodes: ["314", "318"]), year: 2020, registry: registry)?.judgement.grade == .outstanding)
        #expect(history.inForce(ReportingUnit("318"), year: 2020, registry: registry)?.judgement.grade == .outstanding)
    }

    @Test func aRowWithAnUnknownCodeIsAnErrorNotDropped() throws {
        let path = try file("j.csv", [",999,Nowhere,sif,,,2017-07-07,day,inadequate,,,,,,,"])
        let text = failure([path])
        #expect(text.contains("j.csv:2: field 'old_la_code'") && text.contains("'999'"), "\(text)")
    }

    @Test func aRowPublishedInTheFutureIsAnError() throws {
        let path = try file("j.csv", [
            "E09000002,301,Barking and Dagenham,sif,,,2017-07-07,day,good,,,,,,,",
            "E09000003,302,Barnet,sif,,,2099-01-01,day,inadequate,,,,,,,",
        ])
        let text = failure([path])
        #expect(text.contains("j.csv:3: field 'publication_date'") && text.contains("2099-01-01 is after today"), "\(text)")
    }

    @Test func badGradesDatesAndFrameworksNameLineAndField() throws {
        let path = try file("j.csv", [
            "E09000002,301,Barking and Dagenham,sif,,,2017-07-07,day,excellent,,,,,,,",
            "E09000003,302,Barnet,sif,2017-13-01,,2017-07-07,day,good,,,,,,,",
            "E09000004,303,Bexley,inspection,,,2017-07-07,day,good,,,,,,,",
            "E09000005,304,Brent,sif,,,2017-07-07,day,good,great,,,,,,",
        ])
        let text = failure([path])
        for expected in ["j.csv:2: field 'overall_effectiveness'", "j.csv:3: field 'inspection_date'", "j.csv:4: field 'framework'", "j.csv:5: field 'leadership'"] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
    }

    @Test func aCSVOfNeitherLayoutIsRefusedNamingTheColumnsExpected() throws {
        let path = try file("x.csv", ["1,2"], header: "a,b")
        let text = failure([path])
        #expect(text.contains("x.csv:1") && text.contains("not an Ofsted record") && text.contains("overall_effectiveness_grade"), "\(text)")
    }

    // MARK: The scraper's CSV

    @Test func theScraperCSVIsReadAsItIs() throws {
        let path = try file("scrape.csv", [
            "80419,isle of wight,https://x,children's services inspection - 07 january 2019.pdf,07/01/19,standard,Someone,19/11/2018,30/11/2018,good,good,to requires improvement,outstanding,inspection_pre_dates_judgement,1",
            "80430,blackburn with darwen,https://x,a.pdf,17/08/21,short,Someone,05/07/2021,09/07/2021,requires improvement,requires improvement,requires improvement,good,inspection_pre_dates_judgement,1",
            "80418,norfolk,https://x,b.pdf,20/10/15,,,,,,data_unreadable,data_unreadable,data_unreadable,data_unreadable,1",
        ], header: Self.scraperHeader)
        let record = try load([path])
        #expect(record.sources.first?.kind == .scraperCSV)
        let wight = try #require(record.history.byCode["921"]?.first)
        #expect(wight.framework == .ilacs && !wight.isShort && wight.grade == .good)
        #expect(wight.publishedText == "2019-01-07" && wight.inspectionStart == "2018-11-19" && wight.inspectionEnd == "2018-11-30")
        #expect(wight.areas == [.leadership: .good, .helpAndProtection: .requiresImprovement, .childrenInCare: .outstanding])
        #expect(wight.newCode == "E06000046" && wight.urn == "80419" && wight.note == "ILACS standard")
        let blackburn = try #require(record.history.byCode["889"]?.first)
        #expect(blackburn.isShort && VisitType(blackburn) == .ilacsShort)
        // The SIF row the scraper could not grade: passed over, with the reason and line.
        #expect(record.passedOver.count == 1 && record.passedOver[0].place.line == 4)
        #expect(record.passedOverSummary.joined().contains("no overall grade"))
    }

    @Test func scraperRowsThatCannotBePlacedAreErrors() throws {
        let path = try file("scrape.csv", [
            "1,atlantis,x,a.pdf,07/01/19,standard,,19/11/2018,30/11/2018,good,good,good,good,,1",
            "80419,isle of wight,x,a.pdf,2019-01-07,standard,,19/11/2018,30/11/2018,good,good,good,good,,1",
            "80419,isle of wight,x,a.pdf,07/01/19,,,19/11/2018,30/11/2018,good,good,good,good,,1",
        ], header: Self.scraperHeader)
        let text = failure([path])
        for expected in ["scrape.csv:2: field 'local_authority'", "scrape.csv:3: field 'publication_date'", "scrape.csv:4: field 'inspection_framework'"] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
    }

    @Test func scraperDatesReadDayMonthYear() {
        #expect(ScraperCSVSource.dayMonthYear("07/01/19") == DayStamp(iso: "2019-01-07"))
        #expect(ScraperCSVSource.dayMonthYear("19/11/2018") == DayStamp(iso: "2018-11-19"))
        for bad in ["2019-01-07", "31/02/19", "7/1", "", "aa/bb/cc", "07/01/190"] { #expect(ScraperCSVSource.dayMonthYear(bad) == nil, "\(bad)") }
    }

    // MARK: Several sources

    @Test func theSameInspectionFromTwoSourcesMustAgreeElseBothPlacesAreNamed() throws {
        let judgements = try file("j.csv", ["E06000046,921,Isle of Wight,ilacs,2018-11-19,2018-11-30,2019-01-07,day,good,good,requires improvement,outstanding,,80419,,ILACS standard"])
        let scraper = try file("scrape.csv", [
            "80419,isle of wight,x,a.pdf,07/01/19,standard,,19/11/2018,30/11/2018,good,good,requires improvement,outstanding,inspection_pre_dates_judgement,1",
        ], header: Self.scraperHeader)
        let both = try load([judgements, scraper])
        #expect(both.history.all.count == 1 && both.merged == 1 && both.sources.map(\.kind) == [.judgementsFile, .scraperCSV])
        let disagreeing = try file("scrape2.csv", [
            "80419,isle of wight,x,a.pdf,07/01/19,standard,,19/11/2018,30/11/2018,good,good,good,outstanding,inspection_pre_dates_judgement,1",
        ], header: Self.scraperHeader)
        let text = failure([judgements, disagreeing])
        #expect(text.contains("j.csv:2") && text.contains("scrape2.csv:2") && text.contains("help_and_protection requires improvement vs good"), "\(text)")
        #expect(text.contains("field 'help_and_protection'") && !text.contains("field 'overall_effectiveness'"), "the field that differs is named: \(text)")
    }

    /// A stand-in for the report reader of the text steps: answers from the file name.
    struct NamedReports: ReportJudgementReader {
        func read(report path: String, registry: AuthorityRegistry) -> ReportJudgement {
            let name = (path as NSString).lastPathComponent
            if name.hasPrefix("graded") {
                return .graded(OfstedJudgement(oldCode: "921", newCode: "E06000046", name: "Isle of Wight", framework: .ilacs, inspectionStart: "2018-11-19",
                                               published: DayStamp(iso: "2019-01-07")!, publishedText: "2019-01-07", grade: .good,
                                               place: RecordPlace(file: "")))
            }
            return name.hasPrefix("letter") ? .ungraded("a monitoring visit letter") : .unreadable("not a PDF")
        }
    }

    @Test func aFolderOfReportPDFsGivesTheGradedReportsAndSaysWhichItPassedOver() throws {
        let dir = Fixtures.temporaryDirectory() + "/reports"
        try FileManager.default.createDirectory(atPath: dir + "/80419_isle of wight", withIntermediateDirectories: true)
        for name in ["graded - 07 january 2019.pdf", "letter.pdf", "broken.pdf", "notes.txt", "judgements.csv"] {
            try Fixtures.write("x", to: dir + "/80419_isle of wight/" + name)
        }
        #expect(failure([dir]).contains("PDF folders need"))
        let record = try load([dir], reports: NamedReports())
        #expect(record.history.all.count == 1 && record.history.all[0].place.file.hasSuffix("graded - 07 january 2019.pdf"))
        #expect(record.sources[0].kind == .reports && record.sources[0].files.count == 3)
        let said = record.passedOverSummary.joined(separator: "\n")
        #expect(said.contains("letter.pdf: no graded judgement: a monitoring visit letter") && said.contains("broken.pdf: unreadable: not a PDF"), "\(said)")
        // The folder's other files are said too (a CSV record beside the reports is not read).
        #expect(said.contains("notes.txt: not a report PDF") && said.contains("judgements.csv: not a report PDF: a CSV in a folder of reports is not read"), "\(said)")
        let empty = Fixtures.temporaryDirectory()
        #expect(failure([empty], reports: NamedReports()).contains("no .pdf file"))
    }

    // MARK: Writing the merged history

    @Test func theWrittenHistoryReadsBackAsTheSameJudgements() throws {
        let path = try file("j.csv", [
            "E09000002,301,Barking and Dagenham,sif,2014-04-29,2014-05-22,2014-07-07,day,requires improvement,requires improvement,requires improvement,inadequate,good,80486,\"somewhere, with a comma\",SIF",
            "E06000046,921,Isle of Wight,ilacs,2018-11-19,2018-11-30,2019-01,month,good,good,requires improvement,outstanding,,80419,,ILACS short",
        ])
        let first = try load([path]).history
        let out = Fixtures.temporaryDirectory() + "/history.csv"
        try Fixtures.write(String(decoding: JudgementsFileWriter.render(first), as: UTF8.self), to: out)
        let again = try load([out]).history
        func strip(_ h: OfstedHistory) -> [OfstedJudgement] { h.all.map { var j = $0; j.place = RecordPlace(file: ""); return j } }
        #expect(strip(first) == strip(again))
        #expect(again.byCode["921"]?.first?.isShort == true && again.byCode["921"]?.first?.published == DayStamp(iso: "2019-01-31"))
    }

    // MARK: The record at a text's date

    @Test func theRecordAtADateGivesTheInspectionReportedOrTheJudgementInForce() throws {
        let path = try file("j.csv", [
            "E09000002,301,Barking and Dagenham,sif,2015-01-05,2015-01-28,2015-03-10,day,inadequate,,,,,,,",
            "E09000002,301,Barking and Dagenham,ilacs,2019-02-18,2019-03-01,2019-04-01,day,requires improvement,,,,,,,ILACS short",
            "E09000003,302,Barnet,sif,2016-01-05,2016-01-28,2016-03-10,day,good,,,,,,,",
        ])
        let history = try load([path]).history
        let atFieldwork = try #require(history.record(of: "301", on: DayStamp(iso: "2015-01-20")!))
        #expect(atFieldwork.inForce?.grade == .inadequate && atFieldwork.visit == .sif)
        // Between inspections under an inadequate judgement: monitoring visits.
        let between = try #require(history.record(of: "301", on: DayStamp(iso: "2017-06-01")!))
        #expect(between.inForce?.grade == .inadequate && between.visit == .monitoringVisit)
        // A month after publication a text still reports the inspection.
        #expect(history.record(of: "301", on: DayStamp(iso: "2019-04-20")!)?.visit == .ilacsShort)
        // Good in force: the record cannot tell a focused visit from a joint inspection.
        let good = try #require(history.record(of: "302", on: DayStamp(iso: "2018-06-01")!))
        #expect(good.inForce?.grade == .good && good.visit == nil)
        // Outside the record's span it says nothing.
        #expect(history.record(of: "301", on: DayStamp(iso: "2012-01-01")!) == nil)
        #expect(history.record(of: "301", on: DayStamp(iso: "2023-01-01")!) == nil)
    }

    @Test func dayNumbersRoundTripAndCountDays() {
        var previous: Int?
        for year in [1999, 2000, 2019, 2020, 2100] {
            for month in 1...12 {
                for day in Set([1, 15, 28, DayStamp.daysIn(month: month, year: year)]).sorted() {
                    let d = DayStamp(year: year, month: month, day: day)
                    #expect(DayStamp(dayNumber: d.dayNumber) == d)
                    if let p = previous { #expect(d.dayNumber > p) }
                    previous = d.dayNumber
                }
            }
        }
        #expect(DayStamp(iso: "2020-02-28")!.adding(days: 2) == DayStamp(iso: "2020-03-01"))
        #expect(DayStamp(iso: "1970-01-01")!.dayNumber == 0)
    }

    @Test func aRecordEndingLongBeforeACensusSaysSo() throws {
        let path = try file("j.csv", ["E09000002,301,Barking and Dagenham,ilacs,,,2021-08-20,day,good,,,,,,,"])
        let history = try load([path]).history
        #expect(history.staleness(forCensus: 2021) == nil)
        let stale = try #require(history.staleness(forCensus: 2023))
        #expect(stale.contains("2021-08-20") && stale.contains("2023"))
    }
}
