import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskScoring
@testable import WFRisk

/// report.html at any size (`ReportLayout`): up to `unit_pages_above` units the one page, byte for
/// byte; above it a national view linking to a self-contained page per unit in `report/`.
/// A small threshold keeps these fast (12 synthetic units).
@Suite struct ReportPagesTests {
    static func data(seed: UInt64 = 41, rename: String? = nil) throws -> ReportData {
        var table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: seed)))
        if let rename { table.units[0].name = rename }
        return ReportData(table: table, inputs: [InputFingerprint(kind: "workforce", path: "/x/wf.csv", sha256: String(repeating: "c", count: 64), count: 1)],
                          settings: try Fixtures.settings())
    }

    /// Writes the report of `data` with `threshold` into a fresh folder; returns the folder.
    static func write(_ data: ReportData, threshold: Int, threads: Int = 2) throws -> String {
        var data = data
        data.unitPagesAbove = threshold
        let dir = Fixtures.temporaryDirectory("pages-\(threshold)-\(UInt32.random(in: 0...UInt32.max))")
        try ScoresReport.write(data, to: dir + "/report.html", threads: threads)
        return dir
    }

    static func read(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }

    static func matches(_ pattern: String, in text: String) throws -> [[String]] {
        let re = try NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            (0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
        }
    }

    static func ids(_ html: String) throws -> Set<String> { Set(try matches("\\sid=\"([^\"]+)\"", in: html).map { $0[1] }) }
    static func hrefs(_ html: String) throws -> [String] { try matches("\\shref=\"([^\"]*)\"", in: html).map { $0[1] } }

    /// Nothing that loads anything: no script, no src/data attributes, no CSS url() or @import,
    /// no element that fetches.
    static func expectNothingFetched(_ html: String, _ name: String) throws {
        #expect(!html.lowercased().contains("<script"), "\(name): a script element")
        #expect(!html.lowercased().contains("@import"), "\(name)")
        #expect(try matches("(?i)\\s(?:src|srcset|data|poster|action|formaction)\\s*=", in: html).isEmpty, "\(name): an attribute that loads something")
        #expect(try matches("(?i)url\\(", in: html).isEmpty, "\(name): a CSS url()")
        #expect(try matches("(?i)<(?:link|iframe|object|embed|img|video|audio|source|base)\\b", in: html).isEmpty, "\(name): an element that loads something")
    }

    @Test func atOrBelowTheThresholdTheReportIsThePlainOnePage() throws {
        let data = try Self.data()
        let n = data.table.units.count
        let plain = try ScoresReport.render(data)
        for threshold in [n, n + 1, 10_000] {
            let dir = try Self.write(data, threshold: threshold)
            #expect(FileManager.default.contents(atPath: dir + "/report.html") == Data(plain.utf8), "threshold \(threshold) with \(n) units")
            #expect(!FileManager.default.fileExists(atPath: dir + "/report"), "no folder of pages at \(n) units, threshold \(threshold)")
        }
    }

    @Test func oneUnitAboveTheThresholdGivesAPagePerUnit() throws {
        let data = try Self.data()
        let n = data.table.units.count
        let dir = try Self.write(data, threshold: n - 1)
        let pages = try FileManager.default.contentsOfDirectory(atPath: dir + "/report")
        #expect(pages.count == n)
        #expect(!Self.read(dir + "/report.html").contains("<section class=\"unit\""), "no unit section left on the national view")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["report", "report.html"], "no temporary file or folder left")
    }

    @Test func everyUnitIsOneClickFromTheNationalViewAndEveryPageLinksBack() throws {
        let data = try Self.data()
        let dir = try Self.write(data, threshold: 3)
        let national = Self.read(dir + "/report.html")
        try Self.expectNothingFetched(national, "report.html")
        let nationalIDs = try Self.ids(national)
        var linked = Set<String>()
        for href in try Self.hrefs(national) {
            if href.hasPrefix("#") {
                #expect(nationalIDs.contains(String(href.dropFirst())), "report.html: \(href) goes nowhere")
            } else {
                #expect(href.hasPrefix("report/") && !href.dropFirst(7).contains("/") && href.hasSuffix(".html"), "report.html links outside its pages: \(href)")
                #expect(FileManager.default.fileExists(atPath: dir + "/" + href), "report.html links to a missing page \(href)")
                linked.insert(String(href.dropFirst(7)))
            }
        }
        let pages = Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/report"))
        #expect(linked == pages, "every page is linked from the national view and every link has its page")
        #expect(pages.count == data.table.units.count)
        // Table 2 links each unit once and the A–Z list once more.
        #expect(try Self.hrefs(national).filter { $0.hasPrefix("report/") }.count == 2 * data.table.units.count)

        for u in data.table.units {
            let page = ReportModel.anchor(u) + ".html"
            let html = Self.read(dir + "/report/" + page)
            try Self.expectNothingFetched(html, page)
            #expect(html.contains("<h2 id=\"\(ReportModel.anchor(u))-h\">\(u.name)</h2>"), "\(page) is \(u.name)'s page")
            let ids = try Self.ids(html)
            let hrefs = try Self.hrefs(html)
            #expect(hrefs.contains("../report.html#all"), "\(page) links back to the national view's table")
            for href in hrefs {
                if href.hasPrefix("#") {
                    #expect(ids.contains(String(href.dropFirst())), "\(page): \(href) goes nowhere")
                } else {
                    // Only the national view, never anything outside the run folder.
                    let parts = href.split(separator: "#", maxSplits: 1).map(String.init)
                    #expect(parts[0] == "../report.html", "\(page) links outside the report: \(href)")
                    if parts.count == 2 { #expect(nationalIDs.contains(parts[1]), "\(page): \(href) goes nowhere in report.html") }
                }
            }
            // A standalone page draws its funnels itself (no `<use>` of a frame on another page).
            for use in try Self.matches("<use href=\"#([^\"]+)\"", in: html) { #expect(ids.contains(use[1]), "\(page) uses a missing \(use[1])") }
        }
    }

    @Test func unitNamesAreEscapedOnTheirPagesAndTheNationalView() throws {
        let evil = "<script>alert(\"x\")</script> & O'Brien <b>Council</b>"
        let data = try Self.data(rename: evil)
        let dir = try Self.write(data, threshold: 1)
        let page = Self.read(dir + "/report/" + ReportModel.anchor(data.table.units[0]) + ".html")
        let national = Self.read(dir + "/report.html")
        for (name, html) in [("unit page", page), ("report.html", national)] {
            #expect(!html.contains("<script"), "\(name) carries the name's markup")
            #expect(!html.contains("<b>Council"), "\(name) carries the name's markup")
            #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien &lt;b&gt;Council&lt;/b&gt;"), "\(name) shows the name escaped")
        }
    }

    @Test func pageNamesAreUniqueWhateverTheCodes() throws {
        var table = try Self.data().table
        // Codes that reduce to the same anchor, and to anchors differing only in case.
        table.units[0].oldCode = "A/B"
        table.units[1].oldCode = "A-B"
        table.units[2].oldCode = "a b"
        table.units[3].oldCode = "A-B-2"
        let names = ReportModel.pageNames(table.units)
        #expect(Set(names.map { $0.lowercased() }).count == names.count, "\(names.prefix(4))")
        #expect(names.allSatisfy { $0.hasSuffix(".html") && !$0.contains("/") })
        var data = try Self.data()
        data.table = table
        let dir = try Self.write(data, threshold: 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/report").count == table.units.count)
    }

    @Test func theSameBytesAtAnyThreadCount() throws {
        let data = try Self.data()
        let one = try Self.write(data, threshold: 2, threads: 1)
        let four = try Self.write(data, threshold: 2, threads: 4)
        #expect(FileManager.default.contents(atPath: one + "/report.html") == FileManager.default.contents(atPath: four + "/report.html"))
        for page in try FileManager.default.contentsOfDirectory(atPath: one + "/report") {
            #expect(FileManager.default.contents(atPath: one + "/report/" + page) == FileManager.default.contents(atPath: four + "/report/" + page), "\(page)")
        }
    }

    @Test func aFailedWriteLeavesNoFolderOfPages() throws {
        let dir = Fixtures.temporaryDirectory("pages-failed")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(throws: WFRiskError.self) {
            try FileOutput.writeFolderAtomically(to: dir + "/report") { write in
                try write("a.html", Array("one".utf8))
                try write("../escape.html", Array("two".utf8))
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "neither the folder nor its temporary copy is left")
    }

    @Test func theThresholdIsASettingWithARange() throws {
        #expect(try RunSettings.defaults().reportUnitPagesAbove == 500)
        var settings = try RunSettings.defaults()
        try settings.apply(try ConfigNode.parse(file: "p.yml", text: "report:\n  unit_pages_above: 3\n"))
        #expect(settings.reportUnitPagesAbove == 3)
        #expect { try settings.apply(try ConfigNode.parse(file: "p.yml", text: "report:\n  unit_pages_above: -1\n")) } throws: { "\($0)".contains("unit_pages_above") }
        #expect { try settings.apply(try ConfigNode.parse(file: "p.yml", text: "report:\n  pages: 3\n")) } throws: { "\($0)".contains("pages") }
    }
}

/// The rank chart's axis at the sizes the national view reaches: a dozen labels or so, never
/// one every 25 ranks across thousands (they overprinted into a black bar).
@Suite struct RankTickTests {
    @Test func ticksStayFewAndRoundAtAnySize() {
        #expect(ReportCharts.rankTicks(151) == [1, 25, 50, 75, 100, 125, 151], "England's size as before")
        for total in [2, 39, 151, 500, 501, 2_000, 20_000, 1_000_000] {
            let ticks = ReportCharts.rankTicks(total)
            #expect(ticks.first == 1 && ticks.last == total)
            #expect(ticks == ticks.sorted() && Set(ticks).count == ticks.count, "\(total): \(ticks)")
            #expect(ticks.count <= (total > 500 ? 12 : 22), "\(total): \(ticks.count) labels")
            let inner = Array(ticks.dropFirst().dropLast())
            let steps = Set(zip(inner.dropFirst(), inner).map { $0 - $1 })
            #expect(steps.count <= 1, "\(total): evenly spaced inside the ends \(ticks)")
        }
    }
}
