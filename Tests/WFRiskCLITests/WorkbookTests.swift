import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskIngest
@testable import WFRiskInspections
@testable import WFRiskScoring
@testable import WFRisk

/// `scores.xlsx` read back by openpyxl (an independent reader), cell by cell against `scores.csv`.
@Suite(.serialized) struct WorkbookTests {
    static let codeColumns: Set<String> = ["new_la_code", "old_la_code", "region_code", "source_old_la_code"]

    /// scores.csv as libcsv reads it: header and rows of fields.
    func readCSV(_ path: String) throws -> [[String]] {
        var rows = try CSVReader.readAll(path: path).map(\.fields)
        if var first = rows.first?.first, first.hasPrefix("\u{FEFF}") {
            first.removeFirst()
            rows[0][0] = first
        }
        return rows
    }

    /// Every cell of the Scores sheet equals the same cell of scores.csv: same header, same
    /// numbers (as numbers, shown with the CSV's decimals), same text (as text), blanks where
    /// the CSV is empty; codes are text.
    func expectScoresSheetMatchesCSV(workbook: ExternalTools.Workbook, csv: [[String]], sheet name: String = "Scores") {
        guard let sheet = workbook.sheets[name] else { Issue.record("no \(name) sheet"); return }
        #expect(sheet.rows.count == csv.count, "\(name) has \(sheet.rows.count) rows, its CSV \(csv.count)")
        let header = csv[0]
        var compared = 0
        for (r, csvRow) in csv.enumerated() where r < sheet.rows.count {
            let row = sheet.rows[r]
            #expect(row.count == csvRow.count, "row \(r + 1): \(row.count) cells vs \(csvRow.count) fields")
            for (c, field) in csvRow.enumerated() where c < row.count {
                let cell = row[c]
                let column = header[c]
                compared += 1
                if field.isEmpty {
                    #expect(cell.value == nil, "row \(r + 1) \(column): CSV empty, workbook has \(String(describing: cell.value))")
                    continue
                }
                if r == 0 || Self.codeColumns.contains(column) || Double(field) == nil {
                    #expect(cell.type == "s", "row \(r + 1) \(column): '\(field)' should be text, is \(cell.type)")
                    let text = cell.value as? String ?? ""
                    // scores.csv guards formula-looking text with a leading apostrophe; the workbook
                    // holds the text itself, as a string.
                    let unguarded = field.hasPrefix("'") && CSVCell.formulaLeads.contains(field.unicodeScalars.dropFirst().first ?? " ")
                        ? String(field.dropFirst()) : field
                    #expect(text == unguarded, "row \(r + 1) \(column): CSV '\(field)', workbook '\(text)'")
                } else {
                    #expect(cell.type == "n", "row \(r + 1) \(column): '\(field)' should be a number, is \(cell.type)")
                    let value = (cell.value as? NSNumber)?.doubleValue
                    #expect(value == Double(field), "row \(r + 1) \(column): CSV \(field), workbook \(String(describing: value))")
                    let decimals = field.firstIndex(of: ".").map { field.distance(from: $0, to: field.endIndex) - 1 } ?? 0
                    let format = decimals == 0 ? "0" : "0." + String(repeating: "0", count: decimals)
                    #expect(cell.format == format, "row \(r + 1) \(column): shown as \(cell.format), CSV has \(decimals) decimals")
                }
            }
        }
        #expect(compared == csv.reduce(0) { $0 + $1.count })
    }

    @Test(.enabled(if: ExternalTools.python != nil, Comment(rawValue: ExternalTools.pythonSkipMessage)))
    func scoresSheetIsScoresCSVCellForCellOnTheSampleRun() throws {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let workbook = try ExternalTools.readWorkbook(out + "/latest/scores.xlsx")
        let csv = try readCSV(out + "/latest/scores.csv")
        #expect(csv.count > 100)
        expectScoresSheetMatchesCSV(workbook: workbook, csv: csv)
        #expect(workbook.sheetNames == ScoresWorkbook.sheetNames)
        #expect(workbook.formulaElements == 0)

        // Layout: header frozen with the names in view, a filter over the whole table, a colour
        // scale on each score column, widths set.
        let scores = try #require(workbook.sheets["Scores"])
        let nameColumn = ScoresCSV.header.firstIndex(of: "la_name")!
        #expect(scores.freeze == "\(column(nameColumn + 1))2")
        #expect(scores.filter == "A1:\(column(ScoresCSV.header.count - 1))\(csv.count)")
        for name in ["overall_score", "instability_score", "caseload_risk_score"] {
            let c = column(ScoresCSV.header.firstIndex(of: name)!)
            #expect(scores.conditionalRanges.contains("\(c)2:\(c)\(csv.count)"), "no colour scale on \(name): \(scores.conditionalRanges)")
        }
        #expect((scores.widths[column(nameColumn)] ?? 0) >= 15)

        // The sample's inspection texts reach the Evidence sheet with file and date.
        let evidence = try #require(workbook.sheets["Evidence"])
        let eh = evidence.rows[0].map { $0.value as? String ?? "" }
        #expect(eh == ScoresWorkbook.evidenceHeader)
        #expect(evidence.rows.count > 1)
        for row in evidence.rows.dropFirst() {
            #expect(!(row[eh.firstIndex(of: "source_file")!].value as? String ?? "").isEmpty)
            #expect(!(row[eh.firstIndex(of: "evidence")!].value as? String ?? "").isEmpty)
        }
        #expect(evidence.rows.dropFirst().contains { ($0[eh.firstIndex(of: "date")!].value as? String ?? "").count == 10 })

        // About lists every input of the manifest with its hash.
        let manifest = try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: out + "/latest/manifest.json")!) as! [String: Any]
        let about = try #require(workbook.sheets["About"])
        let aboutRows = about.rows.map { $0.map { $0.value.map { "\($0)" } ?? "" } }
        for input in manifest["inputs"] as! [[String: Any]] {
            let file = ((input["path"] as! String) as NSString).lastPathComponent
            #expect(aboutRows.contains { $0[0] == "input" && $0[1] == file && $0[2] == input["sha256"] as! String }, "About lacks \(file)")
        }
        #expect(aboutRows.dropFirst().first?[1] == "SYNTHETIC DATA", "the sample data is flagged first")
        #expect(aboutRows.contains { $0[1] == "methodology_version" && $0[2] == Scorer.methodologyVersion })
        #expect(aboutRows.contains { $0[1] == "weights.instability.turnover_rate_fte" })
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)),
          .enabled(if: ExternalTools.python != nil, Comment(rawValue: ExternalTools.pythonSkipMessage)))
    func realDataWorkbookHasEveryUnitAndEveryExclusionWithItsReason() throws {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--pipeline", try Fixtures.strictRealPipeline(), "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try readCSV(out + "/latest/scores.csv")
        let workbook = try ExternalTools.readWorkbook(out + "/latest/scores.xlsx")
        expectScoresSheetMatchesCSV(workbook: workbook, csv: csv)
        #expect(workbook.formulaElements == 0)
        let header = csv[0]
        let status = header.firstIndex(of: "status")!, reason = header.firstIndex(of: "exclusion_reason")!, code = header.firstIndex(of: "old_la_code")!
        let excludedCSV = csv.dropFirst().filter { $0[status] == "excluded" }
        #expect(!excludedCSV.isEmpty, "the real 2023 file at min_coverage 0.9 has unscoreable units (suppressed absence rates)")
        let excluded = try #require(workbook.sheets["Excluded"])
        let eh = excluded.rows[0].map { $0.value as? String ?? "" }
        #expect(excluded.rows.count - 1 == excludedCSV.count)
        for row in excludedCSV {
            let match = excluded.rows.dropFirst().first { ($0[eh.firstIndex(of: "old_la_code")!].value as? String) == row[code] }
            #expect(match.map { $0[eh.firstIndex(of: "exclusion_reason")!].value as? String } == row[reason], "Excluded sheet lacks \(row[code])")
            #expect(!row[reason].isEmpty)
        }
        // The Indicators and History sheets are indicators.csv and history.csv, cell for cell.
        let indicators = try readCSV(out + "/latest/indicators.csv")
        #expect(indicators.count - 1 == (csv.count - 1) * Indicator.allCases.count)
        expectScoresSheetMatchesCSV(workbook: workbook, csv: indicators, sheet: "Indicators")
        let history = try readCSV(out + "/latest/history.csv")
        #expect(Set(history.dropFirst().map { $0[0] }) == Set((2017...2023).map(String.init)), "every year 2017-2023")
        expectScoresSheetMatchesCSV(workbook: workbook, csv: history, sheet: "History")
    }

    /// Text that a spreadsheet would run as a formula stays text; no cell of any sheet is a formula.
    @Test(.enabled(if: ExternalTools.python != nil, Comment(rawValue: ExternalTools.pythonSkipMessage)))
    func formulaLookingTextIsWrittenAsText() throws {
        var table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 7)))
        let hostile = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+44 20 7946 0000", "-1+2", "@SUM(A1:A2)", "=1+1"]
        for (i, text) in hostile.enumerated() {
            table.units[i].name = text
            table.units[i].regionName = text
            table.units[i].notes = [text]
        }
        table.units[0].name += "\u{1}\u{7}"
        let path = Fixtures.temporaryDirectory() + "/hostile.xlsx"
        try ScoresWorkbook.write(ReportData(table: table, inputs: [], settings: try Fixtures.settings()), to: path)
        let workbook = try ExternalTools.readWorkbook(path)
        #expect(workbook.formulaElements == 0)
        for sheet in workbook.sheets.values {
            for row in sheet.rows { for cell in row { #expect(cell.type != "f") } }
        }
        let scores = try #require(workbook.sheets["Scores"])
        let nameColumn = ScoresCSV.header.firstIndex(of: "la_name")!
        let names = scores.rows.dropFirst().map { $0[nameColumn].value as? String ?? "" }
        for text in hostile.dropFirst() { #expect(names.contains(text), "\(text) not kept as text") }
        #expect(names.contains(hostile[0]), "control characters are dropped, the text kept")
    }

    /// Same inputs, same bytes: the only clock reading (the document's created date) is fixed
    /// to the census date, and zip entries carry no time.
    @Test func workbookIsByteIdenticalForIdenticalInputs() throws {
        let table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 11)))
        let data = ReportData(table: table, inputs: [InputFingerprint(kind: "workforce", path: "/a/wf.csv", sha256: String(repeating: "a", count: 64), count: 3)],
                              settings: try Fixtures.settings())
        let first = try ScoresWorkbook.render(data)
        Thread.sleep(forTimeInterval: 1.2)
        let second = try ScoresWorkbook.render(data)
        #expect(first == second)
        #expect(first.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a zip file")
        // The created date is the scoring year's census date, not the time of writing.
        var t = tm()
        t.tm_year = Int32(table.year - 1900); t.tm_mon = 8; t.tm_mday = 30
        #expect(data.censusDate == Int(timegm(&t)))
        // A different folder for the same input file gives the same bytes (names, not paths).
        var moved = data
        moved.inputs[0].path = "wf.csv"
        #expect(try ScoresWorkbook.render(moved) == first)
    }

    /// Above `settings.report.unit_pages_above` units the workbook is written in libxlsxwriter's
    /// constant_memory mode (inline strings, so other bytes); a reader sees the same workbook:
    /// every cell's value, type and format, panes, filters, conditional formats and widths.
    @Test(.enabled(if: ExternalTools.python != nil, Comment(rawValue: ExternalTools.pythonSkipMessage)))
    func aLargeRunsStreamedWorkbookReadsAsTheDefaultOne() throws {
        var table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 19)))
        table.units[0].name = "=1+1 <b>&\"'</b>"
        var data = ReportData(table: table, inputs: [], settings: try Fixtures.settings())
        let dir = Fixtures.temporaryDirectory()
        try ScoresWorkbook.write(data, to: dir + "/default.xlsx")
        data.unitPagesAbove = 1
        #expect(ScoresWorkbook.properties(data).constantMemory)
        try ScoresWorkbook.write(data, to: dir + "/streamed.xlsx")
        #expect(FileManager.default.contents(atPath: dir + "/default.xlsx") != FileManager.default.contents(atPath: dir + "/streamed.xlsx"),
                "constant_memory was not used: the bytes should differ (inline strings)")
        let a = try ExternalTools.readWorkbook(dir + "/default.xlsx"), b = try ExternalTools.readWorkbook(dir + "/streamed.xlsx")
        #expect(a.sheetNames == b.sheetNames && a.formulaElements == 0 && b.formulaElements == 0 && a.coreProperties == b.coreProperties)
        for name in a.sheetNames {
            let x = try #require(a.sheets[name]), y = try #require(b.sheets[name])
            #expect(x.rows.count == y.rows.count && x.freeze == y.freeze && x.filter == y.filter
                    && x.conditionalRanges == y.conditionalRanges && x.widths == y.widths, "\(name)")
            for (r1, r2) in zip(x.rows, y.rows) {
                #expect(r1.map { "\($0.value ?? "nil")|\($0.type)|\($0.format)" } == r2.map { "\($0.value ?? "nil")|\($0.type)|\($0.format)" }, "\(name)")
            }
        }
    }

    @Test(.enabled(if: ExternalTools.python != nil, Comment(rawValue: ExternalTools.pythonSkipMessage)))
    func createdDateIsTheCensusDate() throws {
        let table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 3)))
        let path = Fixtures.temporaryDirectory() + "/t.xlsx"
        try ScoresWorkbook.write(ReportData(table: table, inputs: [], settings: try Fixtures.settings()), to: path)
        let workbook = try ExternalTools.readWorkbook(path)
        #expect(workbook.coreProperties.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(table.year)-09-30T00:00:00Z</dcterms:created>"))
    }

    @Test func cleanTextDropsControlCharactersAndCapsLength() {
        #expect(WorkbookWriter.cleanText("a\u{1}b\tc\nd\u{FFFE}") == "ab\tc\nd")
        let long = String(repeating: "x", count: 40_000)
        #expect(WorkbookWriter.cleanText(long).count == WorkbookWriter.maxTextLength)
    }

    @Test func scoreColourScaleKeepsBlackTextReadable() {
        let black = ReportPalette.Colour(0x000000)
        for c in [WorkbookWriter.colourScale.low, WorkbookWriter.colourScale.middle, WorkbookWriter.colourScale.high] {
            #expect(ReportPalette.Colour(c).contrast(with: black) >= 7, "score fill \(ReportPalette.Colour(c).hex)")
        }
    }

    /// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
    func column(_ index: Int) -> String {
        var i = index + 1, s = ""
        while i > 0 {
            let r = (i - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            i = (i - 1) / 26
        }
        return s
    }
}
