import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskInspections
@testable import WFRiskOfsted
@testable import WFRiskScoring
@testable import WFRisk

/// The write stage's fast paths pinned to the plain paths they replace, byte for byte:
/// `JSONWriter` to `JSONValue.rendered()`, scores.json's direct writer (`ScoresDocument.render`)
/// to `ScoresDocument.json`, the report views' hand-written `TemplateFields` to reflection
/// (`ScoresReport.plain`), and the workbook's `cellText` to `cleanText` and `count`.
@Suite struct WriteFastPathTests {
    // MARK: Random values

    /// Text with what JSON, HTML and OOXML escape or drop: quotes, backslashes, controls, `_x0041_`,
    /// markup, non-ASCII (combining marks, emoji), and plain words.
    static func text(_ rng: inout SeededRandom) -> String {
        let pieces = ["a", "Brent", " ", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "\u{85}", "é", "e\u{301}", "👩‍👧",
                      "_x0041_", "_", "<b>", "&", "'", "/", "\u{2028}", "0.5", "Kingston upon Hull, City of", "\u{FFFE}"]
        let n = Int(rng.next() % 12)
        return (0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    static func json(_ rng: inout SeededRandom, depth: Int) -> JSONValue {
        let kind = depth > 3 ? rng.next() % 5 : rng.next() % 8
        switch kind {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .int(Int(rng.next() % 20_000) - 10_000)
        case 3: return .double(rng.next() % 4 == 0 ? nil : (rng.unit() - 0.5) * 1e4, decimals: Int(rng.next() % 7))
        case 4: return .string(text(&rng))
        case 5: return .array((0..<Int(rng.next() % 4)).map { _ in json(&rng, depth: depth + 1) })
        case 6:
            let n = Int(rng.next() % 70)
            let items = (0..<n).map { _ in json(&rng, depth: depth + 1) }
            return .generated(n) { items[$0] }
        default: return .object((0..<Int(rng.next() % 4)).map { _ in (text(&rng), json(&rng, depth: depth + 1)) })
        }
    }

    // MARK: JSON

    @Test func theJSONWriterWritesWhatJSONValueRenders() {
        var rng = SeededRandom(seed: 25)
        for _ in 0..<2_000 {
            let v = Self.json(&rng, depth: 0)
            var w = JSONWriter()
            w.value(v)
            let plain = v.renderedBytes()
            let same = w.bytes + [0x0A] == plain
            #expect(same, "\(v.rendered())")
        }
    }

    /// The writer's own spellings beside `JSONValue`'s: a whole number's digits (`int`) against
    /// `JSONValue.int` (`String(v)`), every size and sign and both ends of `Int`; a name written
    /// in the program (`field`) against `key`; objects nested past the row of spaces `indent`
    /// copies from.
    @Test func numbersNamesAndDeepIndentsAreWrittenAsJSONValueRendersThem() {
        var rng = SeededRandom(seed: 2027)
        var ints: [Int] = [0, 1, -1, 9, 10, -10, Int.max, Int.min, Int.max - 1, Int.min + 1]
        for _ in 0..<2_000 {
            let digits = Int(rng.next() % 19)
            var v = Int(rng.next() % 10)
            for _ in 0..<digits { v = v &* 10 &+ Int(rng.next() % 10) }
            ints.append(rng.next() % 2 == 0 ? v : -v)
        }
        for v in ints {
            var w = JSONWriter()
            w.int(v)
            #expect(w.bytes == Array(String(v).utf8), "\(v)")
        }
        var byField = JSONWriter(), byKey = JSONWriter()
        for w in [0, 1] {
            var writer = w == 0 ? byField : byKey
            writer.beginObject()
            if w == 0 { writer.field("overall_rank") } else { writer.key("overall_rank") }
            writer.int(-3)
            if w == 0 { writer.field("statistical_neighbours_median") } else { writer.key("statistical_neighbours_median") }
            writer.null()
            writer.endObject()
            if w == 0 { byField = writer } else { byKey = writer }
        }
        #expect(byField.bytes == byKey.bytes && !byField.bytes.isEmpty)
        // 40 levels deep: indents of up to 80 spaces, past the 64 `indent` copies from.
        var deep = JSONValue.int(7)
        for level in 0..<40 { deep = level % 2 == 0 ? .array([deep, .null]) : .object([("k", deep)]) }
        var w = JSONWriter()
        w.value(deep)
        #expect(w.bytes + [0x0A] == deep.renderedBytes())
    }

    /// A synthetic scored table with every optional part of a unit filled in for some units and
    /// left out for others, from random texts (escapes, non-ASCII).
    static func table(seed: UInt64) throws -> ScoreTable {
        var rng = SeededRandom(seed: seed)
        var table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: seed)), settings: try Fixtures.settings())
        for i in table.units.indices {
            func maybe<T>(_ v: T) -> T? { rng.next() % 3 == 0 ? nil : v }
            var u = table.units[i]
            u.name = rng.next() % 2 == 0 ? u.name : text(&rng)
            u.notes = (0..<Int(rng.next() % 3)).map { _ in text(&rng) }
            u.mainDrivers = maybe(text(&rng))
            u.summary = maybe(text(&rng))
            u.change = maybe(YearChange(previousRank: maybe(Int(rng.next() % 150)), rankChange: maybe(Int(rng.next() % 40) - 20),
                                        scoreChange: maybe(rng.unit() * 10 - 5), note: maybe(text(&rng))))
            u.uncertainty = maybe(RankUncertainty(rankLow: Int(rng.next() % 10), rankHigh: Int(rng.next() % 10) + 10, pHighBand: rng.unit()))
            u.neighbours = (0..<Int(rng.next() % 3)).map { _ in NeighbourRef(oldCode: text(&rng), newCode: text(&rng), name: text(&rng)) }
            u.inspection = maybe(InspectionEvidence(
                instabilityConcern: maybe(rng.unit() * 2 - 1), caseloadConcern: maybe(rng.unit() * 2 - 1), latestDate: maybe("2021-03-04"),
                judgement: maybe(text(&rng)),
                quotes: (0..<Int(rng.next() % 3)).map { _ in
                    EvidenceQuote(file: text(&rng), date: maybe(text(&rng)), theme: text(&rng), polarity: text(&rng), text: text(&rng))
                }))
            u.judgementInForce = maybe(LinkedJudgement(
                judgement: OfstedJudgement(oldCode: u.oldCode, name: text(&rng), framework: .ilacs, published: DayStamp(year: 2019, month: 7, day: 29),
                                           publishedText: "2019-07-29", grade: .good, place: RecordPlace(file: "ofsted.csv")),
                relation: .predecessor))
            if i % 7 == 3 { u.overallRank = nil }  // some units excluded, with their reasons
            u.exclusionReason = u.isRanked ? nil : text(&rng)
            table.units[i] = u
        }
        table.warnings = (0..<3).map { _ in text(&rng) }
        return table
    }

    @Test func scoresJSONWrittenDirectlyIsTheDocumentJSONValueRenders() throws {
        let settings = try Fixtures.settings()
        let inputs = [InputFingerprint(kind: "workforce", path: "/x/wf \"1\".csv", sha256: String(repeating: "a", count: 64), count: 3)]
        for seed: UInt64 in [1, 2, 3, 25, 77] {
            let doc = ScoresDocument(table: try Self.table(seed: seed), inputs: inputs, settings: settings)
            let plain = doc.json.renderedBytes()
            for threads in [1, 2, 3] {
                // A small chunk makes the writer hand on its bytes between blocks of units.
                for chunk in [1, 4 << 20] {
                    var fast: [UInt8] = []
                    try doc.render(chunk: chunk, threads: threads) { fast += $0 }
                    let same = fast == plain
                    #expect(same, "seed \(seed), \(threads) threads, chunk \(chunk): first difference at byte \(zip(fast, plain).prefix { $0 == $1 }.count)")
                }
            }
        }
    }

    /// More units than a block (128) on each of three threads, so blocks start mid-array on
    /// several threads and in several rounds.
    @Test func scoresJSONInBlocksOnThreadsIsTheSame() throws {
        var table = try Self.table(seed: 9)
        let one = table.units
        table.units = (0..<700).map { one[$0 % one.count] }
        let doc = ScoresDocument(table: table, inputs: [], settings: try Fixtures.settings())
        let plain = doc.json.renderedBytes()
        for threads in [1, 3] {
            var fast: [UInt8] = []
            try doc.render(chunk: 10_000, threads: threads) { fast += $0 }
            let same = fast == plain
            #expect(same, "\(threads) threads: first difference at byte \(zip(fast, plain).prefix { $0 == $1 }.count)")
        }
    }

    // MARK: CSV files

    /// Each CSV file written a block at a time (`CSVOutput`) is the bytes its `render` builds
    /// whole: blocks of bytes far smaller than a row, a few rows, and larger than the file; its
    /// rows made on one, two and three workers, in blocks of one item, a few, and more than the
    /// table holds.
    @Test func csvFilesWrittenInBlocksAreWhatRenderBuilds() throws {
        let dir = Fixtures.temporaryDirectory()
        for seed: UInt64 in [3, 25] {
            var data = try ReportTemplateTests.data(years: true)
            data.table = try Self.table(seed: seed)
            let history = data.historyRows
            #expect(!history.isEmpty)
            #expect(data.table.units.count > 7 && history.count > 7, "enough items for several blocks of 7")
            for (block, threads, perBlock) in [(1, 1, 1), (700, 1, CSVOutput.itemsPerBlock), (CSVOutput.block, 1, 7),
                                               (1, 2, 1), (700, 2, 7), (CSVOutput.block, 3, 7), (700, 3, CSVOutput.itemsPerBlock)] {
                let files: [(String, [UInt8], (String) throws -> WrittenFile)] = [
                    ("scores.csv", ScoresCSV.render(data.table),
                     { try ScoresCSV.write(data.table, to: $0, threads: threads, perBlock: perBlock, block: block) }),
                    ("indicators.csv", IndicatorsCSV.render(data.table),
                     { try IndicatorsCSV.write(data.table, to: $0, threads: threads, perBlock: perBlock, block: block) }),
                    ("history.csv", HistoryCSV.render(history),
                     { try HistoryCSV.write(history, to: $0, threads: threads, perBlock: perBlock, block: block) }),
                ]
                for (name, plain, write) in files {
                    let path = dir + "/\(seed)-\(block)-\(threads)-\(perBlock)-" + name
                    let written = try write(path)
                    let fast = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                    let same = fast == plain
                    #expect(same, "\(name), seed \(seed), block \(block), \(threads) threads, \(perBlock) a block: first difference at byte \(zip(fast, plain).prefix { $0 == $1 }.count)")
                    #expect(written == WrittenFile(sha256: SHA256Digest.hex(of: plain), bytes: plain.count), "\(name)")
                }
            }
        }
    }

    /// Each line's neighbours read from the values `IndicatorsCSV.Context` keeps, against the
    /// units read out of the table (`UnitScore.result`): neighbours among the table's units, a
    /// unit its own neighbour, unknown codes, repeated codes, none.
    @Test func linesReadNeighboursAsTheTableHoldsThem() throws {
        var rng = SeededRandom(seed: 17)
        var table = try Self.table(seed: 11)
        // Two units under one code: a neighbour with that code is the first of them.
        table.units[5].oldCode = table.units[2].oldCode
        let codes = table.units.map(\.oldCode)
        for i in table.units.indices {
            table.units[i].neighbours = (0..<Int(rng.next() % 12)).map { _ in
                let code = rng.chance(0.1) ? "no such code" : codes[Int(rng.next() % UInt64(codes.count))]
                return NeighbourRef(oldCode: code, newCode: "", name: "")
            }
        }
        let context = IndicatorsCSV.Context(table)
        var compared = 0
        for u in table.units {
            for r in u.instability.indicators + u.caseloadRisk.indicators {
                let peers = u.neighbours.compactMap { n in table.units.first { $0.oldCode == n.oldCode } }
                let values = peers.compactMap { $0.result(r.indicator)?.value }
                let median = values.isEmpty ? nil : RobustScale.median(values)
                let line = context.line(u, r)
                #expect(line.neighbourCount == values.count && line.neighbourMedian == median
                        && line.vsNeighbours == Significance.of(r.ci95, against: median)
                        && line.vsNeighbours998 == Significance.of(r.ci998, against: median), "\(u.oldCode) \(r.indicator)")
                if !values.isEmpty { compared += 1 }
            }
        }
        #expect(compared > 50, "lines with neighbours' values: \(compared)")
    }

    // MARK: Report views

    /// Values against reflection, as trees: the same keys, values and order of lists.
    static func same(_ a: Any, _ b: Any, _ path: String = "") -> String? {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            guard Set(x.keys) == Set(y.keys) else { return "\(path): keys \(x.keys.sorted()) against \(y.keys.sorted())" }
            for k in x.keys.sorted() { if let d = same(x[k]!, y[k]!, path + "." + k) { return d } }
            return nil
        case let (x as [Any], y as [Any]):
            guard x.count == y.count else { return "\(path): \(x.count) items against \(y.count)" }
            for (i, (p, q)) in zip(x, y).enumerated() { if let d = same(p, q, path + "[\(i)]") { return d } }
            return nil
        case let (x as String, y as String): return x == y ? nil : "\(path): \(x.debugDescription) against \(y.debugDescription)"
        case let (x as Bool, y as Bool): return x == y ? nil : "\(path): \(x) against \(y)"
        case let (x as Int, y as Int): return x == y ? nil : "\(path): \(x) against \(y)"
        default: return "\(path): \(type(of: a)) against \(type(of: b))"
        }
    }

    /// A view's `field` against reflection, name by name: each stored property's name is a
    /// `TemplateKey` and answers what `plain` gives for the property (nil for a nil optional);
    /// every other key answers nil; and the views inside answer the same way, item by item.
    /// `answered`: each view type's fields seen, true once one answered a value (so that a test
    /// can see every optional field was reached with a value at least once).
    static func fieldsDiffer(_ view: any TemplateFields, _ path: String, answered: inout [String: Bool]) -> String? {
        var labels: Set<TemplateKey> = []
        for child in Mirror(reflecting: view).children {
            guard let label = child.label else { continue }
            guard let key = TemplateKey(rawValue: label) else { return "\(path).\(label) is not a TemplateKey" }
            labels.insert(key)
            let expected = ScoresReport.plain(child.value), got = view.field(key)
            answered["\(type(of: view)).\(label)", default: false] = answered["\(type(of: view)).\(label)", default: false] || got != nil
            guard let got, let expected else {
                if got == nil && expected == nil { continue }
                return "\(path).\(label): \(got == nil ? "nil" : "a value") against \(expected == nil ? "nil" : "a value")"
            }
            if let d = same(got.plain, expected, path + "." + label) { return d }
            switch got {
            case .view(let v): if let d = fieldsDiffer(v, path + "." + label, answered: &answered) { return d }
            case .views(let list):
                for i in 0..<list.count { if let d = fieldsDiffer(list.item(i), path + ".\(label)[\(i)]", answered: &answered) { return d } }
            default: break
            }
        }
        for key in TemplateKey.allCases where !labels.contains(key) && view.field(key) != nil {
            return "\(path) answers \(key.rawValue), which it has no field for"
        }
        return nil
    }

    @Test(arguments: [ReportLayout.onePage, .unitPages])
    func reportViewsFieldsAreWhatReflectionGives(layout: ReportLayout) throws {
        var answered: [String: Bool] = [:]
        for years in [false, true] {
            var data = try ReportTemplateTests.data(years: years)
            data.table = try Self.table(seed: years ? 5 : 6)
            let (built, units) = try ReportModel.page(data, css: "p{}", layout: layout)
            var page = built
            page.unitSections = RenderedHTML(bytes: Array("<p>é</p>".utf8))
            let p = Self.fieldsDiffer(page, "page", answered: &answered)
            #expect(p == nil, "\(p ?? "")")
            #expect(units.count == data.table.units.count)
            for u in units {
                let d = Self.fieldsDiffer(u, u.name, answered: &answered)
                #expect(d == nil, "\(u.name): \(d ?? "")")
            }
        }
        // Every field of every view reached with a value somewhere (an optional nil throughout
        // would leave its `switch` arm unchecked; the synthetic data sets every one somewhere).
        let unanswered = Set(answered.filter { !$0.value }.keys)
        #expect(unanswered.isEmpty, "never answered a value: \(unanswered.sorted())")
        #expect(answered.count > 100, "\(answered.count) fields seen")
    }

    /// The palette's bands' views, made once, are those made for each row; other names are
    /// "other" bands with their own swatch.
    @Test func bandViewsAreTheOnesDrawnForEachRow() {
        for name in ReportPalette.bands.map(\.name) + ["unknown band", ""] {
            let v = ReportModel.band(name)
            let known = ReportPalette.bands.contains { $0.name == name }
            #expect(v?.name == name && v?.css == (known ? name : "other") && v?.swatch == ReportCharts.swatch(name), "\(name)")
        }
        #expect(ReportModel.band(nil) == nil)
    }

    /// The national page handed to the file in blocks (`ReportTemplate.render(_:blockSize:to:)`)
    /// is the page rendered whole, at any block size, in both layouts.
    @Test(arguments: [ReportLayout.onePage, .unitPages])
    func reportPageInBlocksIsTheWholePage(layout: ReportLayout) throws {
        var data = try ReportTemplateTests.data(years: true)
        data.table = try Self.table(seed: 8)
        let (page, _) = try ReportModel.page(data, css: "p{}", layout: layout)
        let library = try ScoresReport.templates()
        let whole = try library.render(page, template: "report")
        for blockSize in [1, 700, 1 << 20] {
            var blocks: [[UInt8]] = []
            try library.render(page, template: "report", blockSize: blockSize) { blocks.append($0) }
            #expect(Array(blocks.joined()) == whole, "\(layout), blocks of \(blockSize)")
            #expect(blockSize > whole.count ? blocks.count == 1 : blocks.count > 1, "\(layout), blocks of \(blockSize): \(blocks.count)")
        }
    }

    // MARK: Manifest

    /// The manifest records each output's hash and size as the write stage wrote it
    /// (`WrittenFile`); the plain path reads the file (or every page of a folder) back from disk.
    /// Every format and the folder of unit pages, on one thread and two.
    @Test(arguments: [1, 2])
    func outputsRecordedAsWrittenAreWhatReadingThemBackGives(threads: Int) throws {
        let dir = Fixtures.temporaryDirectory()
        let pipeline = try Fixtures.unitPagesPipeline(in: dir, seed: 7)
        let r = try Fixtures.run(["run", "--pipeline", pipeline, "--force", "--quiet", "--threads", "\(threads)"])
        #expect(r.status == 0, "\(r.stderr)")
        let runDir = URL(fileURLWithPath: dir + "/out/latest").resolvingSymlinksInPath().path
        let manifest = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: runDir + "/manifest.json"))) as! [String: Any]
        let outputs = manifest["outputs"] as! [[String: Any]]
        let names = outputs.compactMap { $0["name"] as? String }
        #expect(Set(names) == Set(OutputFile.allCases.map(\.rawValue) + ["report/"]), "\(names)")
        for o in outputs {
            let name = try #require(o["name"] as? String)
            let plain = try OutputFingerprint.of(name, in: runDir)
            #expect(o["sha256"] as? String == plain.sha256, "\(name)")
            #expect(o["bytes"] as? Int == plain.bytes, "\(name)")
            #expect(o["files"] as? Int == plain.files, "\(name)")
        }
    }

    // MARK: Charts

    @Test func chartTextEscapedOverBytesIsThePlainEscape() {
        var rng = SeededRandom(seed: 613)
        var texts = ["", "Children's", "King's Lynn & West <Norfolk> \"x\"", "é'ü&", "😀<'", "&amp;", "'"]
        for _ in 0..<3_000 { texts.append(Self.text(&rng)) }
        for s in texts {
            let fast = ReportCharts.esc(s), plain = ReportCharts.plainEsc(s)
            #expect(fast == plain && Array(fast.utf8) == Array(plain.utf8), "\(s.debugDescription)")
            // The template's escape itself, which `esc` skips for text with nothing to escape.
            var bytes: [UInt8] = Array("kept".utf8)
            ReportTemplate.escape(s, into: &bytes)
            #expect(bytes == Array("kept".utf8) + Array(plain.utf8), "\(s.debugDescription)")
        }
    }

    // MARK: Workbook

    /// The large sheets made a row at a time as they are written give the workbook that the
    /// same rows held whole give, in both of libxlsxwriter's modes.
    @Test func workbookSheetsMadeAsWrittenAreTheHeldRowsWorkbook() throws {
        var data = try ReportTemplateTests.data(years: true)
        data.table = try Self.table(seed: 31)
        for constantMemory in [false, true] {
            var properties = ScoresWorkbook.properties(data)
            properties.constantMemory = constantMemory
            let streamed = ScoresWorkbook.sheets(data)
            let held = try streamed.map { s in
                // The plain rows: each table's cells built whole, as the CSV files' `render` uses them.
                let rows = s.name == "Indicators" ? IndicatorsCSV.cells(data.table) : s.name == "History" ? HistoryCSV.cells(data.historyRows) : try s.rows
                var h = WorkbookSheet(name: s.name, header: s.header, rows: rows)
                h.frozenColumns = s.frozenColumns
                h.colourScaleColumns = s.colourScaleColumns
                h.wrappedColumns = s.wrappedColumns
                return h
            }
            #expect(held.map(\.rowCount) == streamed.map(\.rowCount))
            #expect(held.first { $0.name == "Indicators" }!.rowCount > 100)
            let fast = try WorkbookWriter.render(streamed, properties: properties)
            let plain = try WorkbookWriter.render(held, properties: properties)
            let same = fast == plain
            #expect(same, "constant memory \(constantMemory): \(fast.count) bytes against \(plain.count)")
        }
    }

    @Test func workbookNumberCellIsThePlainOne() {
        var rng = SeededRandom(seed: 257)
        var texts = ["0", "-0", "12", "12.5", "-3.25", ".5", "3.", "1e3", "1.5E-3", " 7.25\t", "1,234.5", "12%", "", "-", ".",
                     "abc", "1.2.3", "0x10", "nan", "१२", "1٫5", "12\u{301}", "１２", String(repeating: "9", count: 40) + ".5"]
        let pieces = ["0", "1", "7", "9", ".", "-", "+", "e", "E", " ", "\t", ",", "%", "x", "é", "\u{301}", "١"]
        for _ in 0..<3_000 {
            texts.append((0..<Int(rng.next() % 12)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined())
        }
        for d in 0..<7 { for _ in 0..<300 { texts.append(Decimals.format((rng.unit() - 0.5) * 1e6, d)) } }
        var numbers = 0
        for s in texts {
            let fast = WorkbookWriter.numberCell(s), plain = WorkbookWriter.plainNumberCell(s)
            #expect(fast?.value == plain?.value && fast?.decimals == plain?.decimals && fast?.length == plain?.length, "\(s.debugDescription)")
            // Equal values also agree in their sign (-0 and 0 are written differently).
            #expect(fast.map { $0.value.sign } == plain.map { $0.value.sign }, "\(s.debugDescription)")
            if fast != nil { numbers += 1 }
        }
        #expect(numbers > 2_000, "the texts include numbers")
    }

    /// The large workbook's rows are made in `RowBytes`; whatever is appended (pieces, literals,
    /// single bytes) across its growth, it holds what a `[UInt8]` given the same appends holds.
    @Test func rowBytesHoldWhatAnArrayGivenTheSameAppendsHolds() {
        var rng = SeededRandom(seed: 31)
        for round in 0..<20 {
            var fast = RowBytes(capacity: Int.random(in: 1...200, using: &rng))
            var plain: [UInt8] = []
            for _ in 0..<Int.random(in: 0...400, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    let piece = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    fast.append(bytes: piece)
                    plain += piece
                case 1:
                    fast.append(literal: "\" t=\"inlineStr\"><is><t>")
                    plain += Array("\" t=\"inlineStr\"><is><t>".utf8)
                case 2:
                    fast.append(literal: "é")
                    plain += Array("é".utf8)
                default:
                    let b = UInt8.random(in: 0...255, using: &rng)
                    fast.append(b)
                    plain.append(b)
                }
                if Int.random(in: 0..<100, using: &rng) == 0 {
                    fast.removeAll()
                    plain.removeAll()
                }
            }
            #expect(fast.count == plain.count && fast.array == plain, "round \(round)")
        }
    }

    @Test func workbookCellTextIsCleanTextAndItsLength() {
        var rng = SeededRandom(seed: 251)
        var texts = ["", "Darlington", "E06000005", "0.25", "_x0041_", "a_b", String(repeating: "x", count: WorkbookWriter.maxTextLength),
                     String(repeating: "y", count: WorkbookWriter.maxTextLength + 1)]
        for _ in 0..<3_000 { texts.append(Self.text(&rng)) }
        // Underscores beside x, X and hex digits: the fast path keeps an underscore unless x or X follows.
        texts += ["turnover_rate_fte", "a_", "_", "_x", "_X", "x_", "__x0041_", "_x0041", "a_X00e9_b", "_x_x_"]
        // Underscores at the length limit: exactly at it, and one over.
        let limit = String(repeating: "a_", count: WorkbookWriter.maxTextLength / 2) + "b"
        texts += [limit, limit + "_", String(limit.dropLast(2)) + "_x"]
        let near = ["_", "x", "X", "0", "4", "1", "F", "a", "é", "_x0041_", "b_c"]
        for _ in 0..<3_000 {
            texts.append((0..<Int(rng.next() % 14)).map { _ in near[Int(rng.next() % UInt64(near.count))] }.joined())
        }
        for s in texts {
            let (text, length) = WorkbookWriter.cellText(s)
            let plain = WorkbookWriter.cleanText(s)
            #expect(text == plain && Array(text.utf8) == Array(plain.utf8), "\(s.debugDescription)")
            #expect(length == plain.count, "\(s.debugDescription)")
        }
    }
}
