import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskInspections
import WFRiskOfsted

/// PDFs (poppler through `PDFText`), their prose (`PDFProse`) and Ofsted's reports and letters
/// read from their layout (`OfstedReportReader`). Every PDF here is written at test time.
@Suite struct PDFReportTests {
    static let header = "Inspection of Northumberland children's social care services"

    /// A synthetic ILACS-style report: title block, a judgement table whose grades share the
    /// headings' baselines, a running header and page numbers on every page, prose over pages.
    static func report() -> [UInt8] {
        TinyPDF.make(pages: [
            ["Northumberland County Council", "Inspection of children's social care services",
             "Inspection dates: 3 February 2020 to 14 February 2020", "Lead inspector: Sam Example",
             "Judgement\tGrade",
             "The impact of leaders on social work practice with", "children and families\tGood",
             "The experiences and progress of children who need help", "and protection\tRequires improvement", "\tto be good",
             "The experiences and progress of children in care and", "care leavers\tGood",
             "Overall effectiveness\tGood",
             "Senior leaders in this synthetic council have built a settled and capable service over the",
             "last two years, and the workforce strategy is working well for children and families.",
             "1"],
            [header,
             "Social workers told inspectors that caseloads are manageable and that staff turnover",
             "has fallen, so most children now keep the same social worker for a long time.",
             "2"],
            [header,
             "Managers make good use of supervision to check the progress of plans for children,",
             "and the council has reduced its reliance on agency social workers this year.",
             "3"],
            [header,
             "Children who leave care are helped to find homes and work, and personal advisers",
             "stay in touch with them well into adulthood.",
             "4"],
        ])
    }

    static func monitoringLetter() -> [UInt8] {
        TinyPDF.make(pages: [[
            "Dear Director", "Monitoring visit to Torbay children's services",
            "This letter summarises the findings of the monitoring visit to Torbay children's",
            "services on 4 and 5 March 2020. The visit was the fifth since the council was judged",
            "inadequate. Inspectors found that high caseloads remain a serious concern.",
        ]])
    }

    static func extractor() throws -> InspectionExtractor {
        InspectionExtractor(lexicon: try InspectionLexicon.bundled(), registry: try Fixtures.registry())
    }

    // MARK: PDF text and prose

    @Test func pagesComeBackWithoutFurnitureAndWithCellsApart() throws {
        guard case .success(let pdf) = PDFText.read(bytes: Self.report()) else { Issue.record("not read"); return }
        #expect(pdf.pages.count == 4)
        // The grade cells are their own lines, not glued to the headings ("Overall effectivenessGood").
        #expect(pdf.pages[0].contains("Overall effectiveness\n"), "\(pdf.pages[0])")
        let text = PDFProse.text(pdf)
        #expect(!text.contains(Self.header), "running header kept: \(text)")
        #expect(!text.split(separator: "\n").contains { $0 == "2" || $0 == "3" }, "page numbers kept: \(text)")
        // A paragraph's lines joined into one line: the sentence is never cut by a line end.
        #expect(text.contains("Social workers told inspectors that caseloads are manageable and that staff turnover has fallen, so most children"))
    }

    @Test func furnitureIsWhatRepeatsAcrossPages() {
        let pages = [["Running head 2020", "one body line", "1"], ["Running head 2020", "another line", "2"],
                     ["Running head 2020", "one body line only here twice", "3"], ["Running head 2020", "a fourth", "4"]]
        let kept = PDFProse.pages(PDFText(pages: pages.map { $0.joined(separator: "\n") })).map { $0.filter { !$0.isEmpty } }
        #expect(kept == [["one body line"], ["another line"], ["one body line only here twice"], ["a fourth"]])
        // Three pages: a line on two of them is not furniture (needs three, and half).
        let three = PDFProse.pages(PDFText(pages: ["Head\nx", "Head\ny", "z"])).map { $0.filter { !$0.isEmpty } }
        #expect(three == [["Head", "x"], ["Head", "y"], ["z"]])
    }

    @Test func charactersAreNormalised() {
        #expect(PDFProse.normalise("\u{FB01}nancial e\u{FB00}ect \u{2018}edge of care\u{2019} \u{201C}stable\u{201D} children\u{2019}s") ==
                "financial effect 'edge of care' \"stable\" children's")
        #expect(PDFProse.normalise("\u{F0B7} item\u{00A0}one") == "\u{2022} item one")
        #expect(PDFProse.normalise("plain ASCII stays") == "plain ASCII stays")
    }

    @Test func hyphenatedWordsAreJoinedAndHeadingsStayApart() {
        let text = PDFProse.text(pages: [[
            "Executive summary",
            "The council has improved the recruit-",
            "ment of permanent social workers and the retention of experienced",
            "managers across the service this year.",
            "",
            "What needs to improve",
            "\u{2022} Planning for permanence.",
        ]])
        #expect(text == """
            Executive summary
            The council has improved the recruitment of permanent social workers and the retention of experienced managers across the service this year.

            What needs to improve
            \u{2022} Planning for permanence.

            """, "\(text)")
    }

    /// Property: whatever the line width, a paragraph laid out over lines and pages comes back
    /// as its own words in order, one paragraph per line.
    @Test func paragraphsSurviveAnyLineBreaking() {
        var rng = SystemRandomNumberGenerator()
        let vocabulary = ["social", "workers", "caseloads", "council", "children", "managers", "stable", "agency", "the", "and", "of", "improved"]
        for _ in 0..<200 {
            let paragraphs = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                (0..<Int.random(in: 12...60, using: &rng)).map { _ in vocabulary.randomElement(using: &rng)! }.joined(separator: " ") + "."
            }
            let width = Int.random(in: 30...90, using: &rng)
            var lines: [String] = []
            for p in paragraphs {
                var line = ""
                for w in p.split(separator: " ") {
                    if !line.isEmpty && line.count + 1 + w.count > width { lines.append(line); line = "" }
                    line += (line.isEmpty ? "" : " ") + w
                }
                lines.append(line)
            }
            let cut = Int.random(in: 0...lines.count, using: &rng)
            let text = PDFProse.text(pages: [Array(lines[..<cut]), Array(lines[cut...])])
            #expect(text.split(separator: "\n").map(String.init) == paragraphs, "width \(width): \(text)")
        }
    }

    @Test func dateLinesOfEveryShape() {
        func r(_ s: String) -> String? {
            DateRange.read(OfstedReportReader.key(s)).map { "\($0.start) \($0.end) \($0.firstEnd)" }
        }
        #expect(r("13 November 2017 to 24 November 2017") == "2017-11-13 2017-11-24 2017-11-24")
        #expect(r("8 – 12 July 2013") == "2013-07-08 2013-07-12 2013-07-12")
        #expect(r("25 September to 19 October 2017") == "2017-09-25 2017-10-19 2017-10-19")
        #expect(r("12/09/2016 to 06/10/2016") == "2016-09-12 2016-10-06 2016-10-06")
        #expect(r("18 Feb 2014 – 12 March 2014") == "2014-02-18 2014-03-12 2014-03-12")
        #expect(r("19 November-11 December 2013 and 28 – 30 January 2014") == "2013-11-19 2014-01-30 2013-12-11")
        #expect(r("30 December to 10 January 2015") == "2014-12-30 2015-01-10 2015-01-10")
        #expect(r("28 July 2016") == "2016-07-28 2016-07-28 2016-07-28")
        #expect(r("31 June 2016") == nil)
        #expect(r("no date here") == nil)
    }

    // MARK: Reports and letters

    @Test func aReportPDFIsReadStructurally() throws {
        let dir = Fixtures.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir + "/report.pdf", contents: Data(Self.report()))
        guard case .success(let source) = try InspectionSourceReader.read(path: dir + "/report.pdf") else { Issue.record("not read"); return }
        let d = try Self.extractor().extract(source)
        #expect(d.kind == .ofstedReport)
        #expect(d.primary.map(\.name) == ["Northumberland"])
        let a = try #require(d.primary.first)
        #expect(a.evidence == "Northumberland County Council")
        #expect(a.visitType == .ilacsFull && a.judgement == .good)
        let r = try #require(a.report)
        #expect(r.framework == .ilacs && r.inspectionStart?.description == "2020-02-03" && r.inspectionEnd?.description == "2020-02-14")
        #expect(r.subJudgements.mapValues(\.grade) == [.leadership: .good, .helpAndProtection: .requiresImprovement, .childrenInCare: .good])
        #expect(r.subJudgements[.helpAndProtection]?.evidence == "The experiences and progress of children who need help and protection: Requires improvement to be good")
        #expect(r.overall?.grade == .good)
        // Workforce signals come from the body, across pages, as from any text.
        let themes = Set(d.signals.map(\.theme))
        #expect(themes.contains(.caseload) && themes.contains(.turnover) && themes.contains(.agency), "\(d.signals)")
        #expect(!d.signals.contains { $0.evidence.contains(Self.header) })
    }

    @Test func aReportWithoutAnOverallGradeHasNone() throws {
        // A layout not seen in development: care leavers graded on their own, no overall row.
        let pdf = TinyPDF.make(pages: [[
            "Wigan Council", "Inspection of local authority children's services", "Inspection dates: 6 to 17 March 2028",
            "The impact of leaders on social work practice\tGood", "The experiences and progress of children in care\tInadequate",
            "The experiences and progress of care leavers\tOutstanding", "The experiences and progress of children who need help and protection\tGood",
        ]])
        let lines = PDFProse.pages(try PDFText.read(bytes: pdf).get()).flatMap { $0 }
        let r = try #require(try OfstedReportReader(registry: try Fixtures.registry()).read(lines: lines))
        #expect(r.authority.name == "Wigan" && r.kind == .report && r.framework == .ilacs && !r.short)
        #expect(r.overall == nil)
        #expect(r.subJudgements.mapValues(\.grade) == [.leadership: .good, .childrenInCare: .inadequate, .careLeavers: .outstanding, .helpAndProtection: .good])
    }

    @Test func aShortInspectionAndAnOlderFramework() throws {
        let reader = try OfstedReportReader(registry: try Fixtures.registry())
        let short = reader.read(lines: ["Swindon Borough Council", "Inspection of children's social care services",
                                        "Inspection dates: 1 July 2019 to 5 July 2019", "Overall effectiveness", "Requires", "improvement", "to be good"])
        #expect(short?.visitType == .ilacsShort && short?.overall?.grade == .requiresImprovement)
        let older = reader.read(lines: ["Inspection of looked after children", "services", "Medway Council", "Inspection dates:", "15-19 July 2013",
                                        "Overall effectiveness", "Grade 4 (inadequate)", "Good"])
        #expect(older?.framework == .older && older?.visitType == .other && older?.authority.name == "Medway")
        #expect(older?.overall == nil && older?.subJudgements.isEmpty == true)
        #expect(older?.inspectionStart?.description == "2013-07-15" && older?.inspectionEnd?.description == "2013-07-19")
        // News about a report is not a report.
        #expect(reader.read(lines: ["Council services for children in Swindon require improvement, says Ofsted",
                                    "The inspection of children's social care services found ..."]) == nil)
    }

    @Test func aMonitoringLetterIsUngradedWithItsVisitDates() throws {
        let dir = Fixtures.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir + "/letter.pdf", contents: Data(Self.monitoringLetter()))
        guard case .success(let source) = try InspectionSourceReader.read(path: dir + "/letter.pdf") else { Issue.record("not read"); return }
        let d = try Self.extractor().extract(source)
        #expect(d.kind == .ofstedLetter)
        let a = try #require(d.primary.first)
        #expect(a.name == "Torbay" && a.visitType == .monitoringVisit)
        #expect(a.report?.overall == nil && a.report?.subJudgements.isEmpty == true)
        #expect(a.report?.inspectionStart?.description == "2020-03-04" && a.report?.inspectionEnd?.description == "2020-03-05")
        #expect(d.signals.contains { $0.theme == .caseload && $0.polarity == .concern })
    }

    // MARK: Unreadable PDFs: skipped with the reason, never a crash

    @Test func everyUnreadablePDFIsSkippedWithItsReason() throws {
        let dir = Fixtures.temporaryDirectory()
        let good = Self.report()
        let files: [(String, [UInt8])] = [
            ("empty.pdf", []),
            ("truncated.pdf", Array(good.prefix(good.count / 2))),
            ("html.pdf", Array("<!DOCTYPE html>\n<html><body>Report not found</body></html>\n".utf8)),
            ("scanned.pdf", TinyPDF.imagesOnly(pages: 2)),
            ("damaged.pdf", Array("%PDF-1.4\nthis is not an object\n%%EOF\n".utf8)),
        ]
        for (name, bytes) in files { _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes)) }
        var expected = ["empty.pdf": "empty file (0 bytes)", "truncated.pdf": "truncated PDF (no %%EOF end marker)",
                        "html.pdf": "not a PDF (an HTML page; no %PDF- header)",
                        "scanned.pdf": "PDF without a text layer (2 pages of images; needs OCR)", "damaged.pdf": "damaged PDF"]
        // A real report cut short, when ../shared is here.
        let real = Fixtures.sharedData + "/ofsted/reports/80418_norfolk/children's services inspection - 19 january 2018.pdf"
        if let data = FileManager.default.contents(atPath: real) {
            _ = FileManager.default.createFile(atPath: dir + "/real-truncated.pdf", contents: data.prefix(data.count * 2 / 3))
            expected["real-truncated.pdf"] = "truncated PDF"
        } else {
            print("skipped the truncated real report: \(real) not present")
        }
        _ = FileManager.default.createFile(atPath: dir + "/plain.pdf", contents: Data(good))
        if try TinyPDF.encrypted(dir + "/plain.pdf", to: dir + "/encrypted.pdf") {
            expected["encrypted.pdf"] = "encrypted PDF (needs a password)"
        } else {
            print("skipped the encrypted case: qpdf is not installed (scripts/install-deps --test installs it)")
        }
        try FileManager.default.removeItem(atPath: dir + "/plain.pdf")
        let result = try InspectionIngest.read(try InspectionIngest.expand([dir]), registry: try Fixtures.registry(), threads: 2)
        #expect(result.documents.isEmpty)
        let reasons = Dictionary(uniqueKeysWithValues: result.skipped.map { (($0.file as NSString).lastPathComponent, $0.reason) })
        #expect(Set(reasons.keys) == Set(expected.keys), "\(reasons)")
        for (file, reason) in expected { #expect(reasons[file]?.hasPrefix(reason) == true, "\(file): \(reasons[file] ?? "not skipped")") }
    }

    @Test func aPDFAmongTextsIsRead() throws {
        let dir = Fixtures.temporaryDirectory()
        let sample = Fixtures.repoRoot + "/sample-data/inspections/kingston_jtai_2021.txt"
        try FileManager.default.copyItem(atPath: sample, toPath: dir + "/kingston.txt")
        _ = FileManager.default.createFile(atPath: dir + "/northumberland report.pdf", contents: Data(Self.report()))
        let files = try InspectionIngest.expand([dir])
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["kingston.txt", "northumberland report.pdf"])
        let result = try InspectionIngest.read(files, registry: try Fixtures.registry(), threads: 2)
        #expect(result.skipped.isEmpty, "\(result.skipped)")
        #expect(Set(result.documents.map(\.kind)) == [.ofstedReport, .article])
    }

    @Test func aFolderOnlyOfPDFs() throws {
        let dir = Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/80 torbay", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/report.pdf", contents: Data(Self.report()))
        _ = FileManager.default.createFile(atPath: dir + "/80 torbay/letter - 2020.pdf", contents: Data(Self.monitoringLetter()))
        let result = try InspectionIngest.read(try InspectionIngest.expand([dir]), registry: try Fixtures.registry(), threads: 2)
        #expect(result.documents.map { $0.primary.map(\.name) } == [["Torbay"], ["Northumberland"]])
        #expect(result.documents.map(\.kind) == [.ofstedLetter, .ofstedReport])
    }

    // MARK: The fast path beside the plain one (PDFText.withoutOutputIntents)

    @Test func outputIntentsAreRenamedOnlyInTheCatalog() {
        let catalog = "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OutputIntents [8 0 R] >>\nendobj\n"
        let rest = "3 0 obj\n<< /Type /Page /OutputIntents\r\n 9 0 R >>\nendobj\n"
            + "4 0 obj\n<< /Length 60 >>\nstream\nBT (/Catalog /OutputIntents [1]) Tj ET /OutputIntents 5\nendstream\nendobj\n"
            + "trailer\n<< /Root 1 0 R /OutputIntents [1] >>\n%%EOF\n"
        let source = catalog + rest
        let out = String(decoding: PDFText.withoutOutputIntents(Array(source.utf8)), as: UTF8.self)
        #expect(out == catalog.replacingOccurrences(of: "/OutputIntents [8", with: "/OutputIntentX [8") + rest, "\(out)")
        // An indirect reference after line ends, in a catalog with other keys after it.
        let second = "7 0 obj <</Type/Catalog/OutputIntents\r\n 9 0 R/Pages 2 0 R>> endobj"
        #expect(String(decoding: PDFText.withoutOutputIntents(Array(second.utf8)), as: UTF8.self)
            == second.replacingOccurrences(of: "/OutputIntents", with: "/OutputIntentX"))
        let plain = Array("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj".utf8)
        #expect(PDFText.withoutOutputIntents(plain) == plain)
        // A page's text with the word "obj" before the key and "/Catalog" after it: not a header.
        let text = Array("4 0 obj << /Length 60 >> stream\nBT (an obj) Tj (/OutputIntents [1]) Tj (/Catalog) Tj ET\nendstream endobj".utf8)
        #expect(PDFText.withoutOutputIntents(text) == text)
    }

    /// Property: the furniture key and the reader's matching key of a line of ASCII (the fast
    /// paths) are the plain paths', over random lines of letters of both cases, digits,
    /// punctuation, apostrophes and spaces; lines with any other character take the plain path,
    /// and are compared too.
    @Test func furnitureKeysAreThePlainOnes() {
        var rng = SeededRandom(seed: 61)
        // With the characters either side of the letters' and digits' ranges, and controls.
        let ascii = Array("AaZz09 Page 12 of 31 -./#:()\t'\"Kent County Council 2019@[`{/:\r\u{0}\u{7F}".unicodeScalars)
        let other = Array("ÉéΣσİıẞß٣１ﬁ’–".unicodeScalars)
        for round in 0..<3_000 {
            var line = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...60, using: &rng) {
                line.append(round % 3 == 0 && Int.random(in: 0..<10, using: &rng) == 0 ? other.randomElement(using: &rng)! : ascii.randomElement(using: &rng)!)
            }
            let text = String(line)
            #expect(PDFProse.furnitureKey(text) == PDFProse.plainFurnitureKey(text), "\(text.debugDescription)")
            #expect(OfstedReportReader.key(text) == OfstedReportReader.plainKey(text), "\(text.debugDescription)")
        }
        #expect(OfstedReportReader.key("Ofsted's  INSPECTION: 12-14 May") == "ofsteds inspection 12 14 may")
        #expect(PDFProse.furnitureKey("Page 12 of 31") == "page # of #")
        #expect(PDFProse.furnitureKey("ÉCOLE 2019") == "école #")
    }

    /// Property: over random files of catalog, page and stream objects with and without output
    /// intents, and text between objects, the renaming keeps the length, renames the key of
    /// every catalog, and changes no other byte: not a page's key, not a stream's data (text a
    /// page draws), not a trailer. The generator knows where each catalog key is; the function
    /// under test does not.
    @Test func outputIntentRenamingTouchesOnlyTheCatalogsKey() {
        var rng = SystemRandomNumberGenerator()
        let space = [" ", "\r\n", "\n", "\t", "", "  "]
        let filler = ["/Pages 2 0 R", "/Metadata 5 0 R", "/Lang (en-GB)", "/Names << /Dests 4 0 R >>", "/OutputIntent 3 0 R",
                      "/Version /1.7", "/MarkInfo << /Marked true >>"]
        let streamText = ["BT", "ET", "(/OutputIntents [1])", "Tj", "/OutputIntents 12", "/Catalog", "[", "]", "<<", ">>",
                          "\u{0}", "\u{FF}", "/OutputIntents\n[", "(endstream)", "0 R", "/Type", "obj", "(an obj)", "endobj"]
        func some(_ pieces: [String], _ most: Int) -> String {
            (0..<Int.random(in: 0...most, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined(separator: " ")
        }
        for round in 0..<2_000 {
            var file = Array("%PDF-1.7\n".utf8), renamed: Set<Int> = []
            for n in 1...Int.random(in: 1...6, using: &rng) {
                let ws = space.randomElement(using: &rng)!, value = Bool.random(using: &rng) ? "[\(n) 0 R]" : "\(n + 20) 0 R"
                switch Int.random(in: 0...4, using: &rng) {
                case 0: // a catalog with its output intents
                    let head = "\(n) 0 obj\(ws)<<\(ws)/Type /Catalog \(some(filler, 3)) "
                    renamed.insert(file.count + head.utf8.count + "/OutputIntents".utf8.count - 1)
                    file += Array((head + "/OutputIntents\(ws)\(value) \(some(filler, 2)) >>\(ws)endobj\n").utf8)
                case 1: // a page with its own (left alone: only slower)
                    file += Array("\(n) 0 obj\(ws)<< /Type /Page /OutputIntents\(ws)\(value) >>\(ws)endobj\n".utf8)
                case 2: // a content stream
                    file += Array("\(n) 0 obj\(ws)<< /Length 40 >>\(ws)stream\n\(some(streamText, 12))\nendstream\(ws)endobj\n".utf8)
                case 3: // a catalog without them
                    file += Array("\(n) 0 obj << /Type /Catalog \(some(filler, 3)) >> endobj\n".utf8)
                default: // between objects: a trailer, a comment
                    file += Array("trailer\(ws)<< /Root 1 0 R /OutputIntents\(ws)\(value) >>\n% /OutputIntents [1]\n".utf8)
                }
            }
            let out = PDFText.withoutOutputIntents(file)
            #expect(out.count == file.count)
            let changed = Set(file.indices.filter { out[$0] != file[$0] })
            #expect(changed == renamed, "round \(round): \(String(decoding: file, as: UTF8.self).debugDescription)")
            #expect(changed.allSatisfy { file[$0] == UInt8(ascii: "s") && out[$0] == UInt8(ascii: "X") })
        }
    }

    /// The real reports that carry a colour profile read to the same pages, character for
    /// character, with the profile (the plain path: poppler on the file's own bytes) and without it.
    @Test func textWithoutTheColourProfileIsTheSameText() throws {
        let folder = Fixtures.sharedData + "/ofsted/reports"
        guard let walker = FileManager.default.enumerator(atPath: folder) else { print("skipped: \(folder) not present"); return }
        var compared = 0
        for case let file as String in walker where file.hasSuffix(".pdf") && compared < 4 {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let bytes = [UInt8](data)
            guard PDFText.withoutOutputIntents(bytes) != bytes else { continue }
            let fast = PDFText.read(bytes: bytes), plain = PDFText.read(bytes: bytes, colourManaged: true)
            guard case .success(let a) = fast, case .success(let b) = plain else { Issue.record("\(file) not read"); continue }
            #expect(a == b, "\(file): the pages differ without the colour profile")
            compared += 1
        }
        #expect(compared == 4, "only \(compared) reports with an output intent found")
    }

    // MARK: The real reports (../shared/data/ofsted/reports)

    /// Every ninth labelled report (all of them: `wfrisk extract` scored by score_reports.py,
    /// docs/inspections.md) against labels.csv; the labels' two known misreadings aside.
    @Test func realReportsAgreeWithTheirLabels() throws {
        let folder = Fixtures.sharedData + "/ofsted/reports"
        guard FileManager.default.fileExists(atPath: folder + "/labels.csv") else { print("skipped: \(folder) not present"); return }
        let text = try String(contentsOfFile: folder + "/labels.csv", encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        var rows: [[String]] = []
        for line in text.split(separator: "\n").dropFirst() {
            var fields: [String] = [], field = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle() } else if c == ",", !quoted { fields.append(field); field = "" } else { field.append(c) }
            }
            fields.append(field)
            rows.append(fields)
        }
        let reader = try OfstedReportReader(registry: try Fixtures.registry())
        var checked = 0, older = 0
        for (k, row) in rows.enumerated() where k % 9 == 0 || !["sif", "ilacs"].contains(row[4]) {
            let path = folder + "/" + row[0]
            switch reader.read(path: path) {
            case .failure(let why):
                // Four of the pre-2014 "PDFs" are the site's "Report not found" page.
                #expect(why.description.hasPrefix("not a PDF (an HTML page"), "\(row[0]): \(why)")
            case .success(let reading):
                let r = try #require(reading, "\(row[0]) not read as a report")
                if !["sif", "ilacs"].contains(row[4]) {
                    #expect(r.framework == .older && r.overall == nil, "\(row[0])")
                    older += 1
                    continue
                }
                checked += 1
                #expect(r.authority.oldCode == row[2], "\(row[0])")
                #expect(r.framework?.rawValue == row[4], "\(row[0])")
                #expect(r.inspectionStart?.description == row[5] && r.inspectionEnd?.description == row[6], "\(row[0])")
                #expect(r.overall?.grade == OfstedGrade(text: row[8]), "\(row[0])")
                for (i, area) in OfstedReportReading.Area.allCases.enumerated() where !row[9 + i].isEmpty {
                    #expect(r.subJudgements[area]?.grade == OfstedGrade(text: row[9 + i]), "\(row[0]) \(area)")
                }
            }
        }
        #expect(checked == 31 && older == 5, "checked \(checked), older \(older)")
    }
}
