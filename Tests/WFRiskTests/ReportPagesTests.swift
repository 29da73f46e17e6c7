import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskScoring
@testable import WFRisk

/// report.html at any size (`ReportLayout`): up to `unit_pages_above` units the one page, byte for
/// byte; above it a national view linking to self-contained pages of `units_per_page` units in
/// `report/`.
/// A small threshold keeps these fast (12 synthetic units).
@Suite struct ReportPagesTests {
    static func data(seed: UInt64 = 41, rename: String? = nil) throws -> ReportData {
        var table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: seed)))
        if let rename { table.units[0].name = rename }
        return ReportData(table: table, inputs: [InputFingerprint(kind: "workforce", path: "/x/wf.csv", sha256: String(repeating: "c", count: 64), count: 1)],
                          settings: try Fixtures.settings())
    }

    /// Writes the report of `data` with `threshold` and `perPage` units a page into a fresh
    /// folder; returns the folder.
    static func write(_ data: ReportData, threshold: Int, perPage: Int = 1, threads: Int = 2) throws -> String {
        var data = data
        data.unitPagesAbove = threshold
        data.unitsPerPage = perPage
        let dir = Fixtures.temporaryDirectory("pages-\(threshold)-\(perPage)-\(UInt32.random(in: 0...UInt32.max))")
        try ScoresReport.write(data, to: dir + "/report.html", threads: threads)
        return dir
    }

    /// The pages in `dir/report`, by file name.
    static func pages(_ dir: String) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try FileManager.default.contentsOfDirectory(atPath: dir + "/report").map { ($0, read(dir + "/report/" + $0)) })
    }

    /// A page's units' sections, each from its `<section class="unit"` to its `</section>`.
    static func sections(_ html: String) throws -> [String] {
        try matches("(?s)<section class=\"unit\".*?</section>", in: html).map { $0[0] }
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

    @Test(arguments: [1, 5, 12, 50])
    func oneUnitAboveTheThresholdGivesPagesOfUnits(perPage: Int) throws {
        let data = try Self.data()
        let n = data.table.units.count
        let dir = try Self.write(data, threshold: n - 1, perPage: perPage)
        let pages = try Self.pages(dir)
        #expect(pages.count == (n + perPage - 1) / perPage, "\(n) units, \(perPage) a page")
        #expect(pages.keys.allSatisfy { $0.hasPrefix("page-") && $0.hasSuffix(".html") })
        // Every unit's section is on exactly one page, the pages in A–Z order.
        let byPage = try pages.keys.sorted().map { try Self.sections(pages[$0]!) }
        #expect(byPage.allSatisfy { $0.count <= perPage } && byPage.map(\.count).reduce(0, +) == n)
        let names = byPage.joined().compactMap { try? Self.matches("<h2 id=\"[^\"]+-h\">([^<]*)</h2>", in: $0).first?[1] }
        let alphabetical = data.table.units.sorted { ($0.name, $0.oldCode) < ($1.name, $1.oldCode) }.map(\.name)
        #expect(names == alphabetical)
        #expect(!Self.read(dir + "/report.html").contains("<section class=\"unit\""), "no unit section left on the national view")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["report", "report.html"], "no temporary file or folder left")
    }

    /// A unit's section on a page of several units is its section on a page of its own, but for
    /// each funnel's frame, drawn once on a page by its first unit and reused by the others.
    @Test func aSectionOnAPageOfUnitsIsItsSectionAlone() throws {
        let data = try Self.data(seed: 43)
        let alone = try Self.pages(try Self.write(data, threshold: 0, perPage: 1))
        let grouped = try Self.pages(try Self.write(data, threshold: 0, perPage: 5))
        var single: [String: String] = [:]
        for html in alone.values { for s in try Self.sections(html) { single[try Self.matches("id=\"([^\"]+)\"", in: s)[0][1]] = s } }
        #expect(single.count == data.table.units.count)
        let frame = "(?s)<g id=\"(funnel-frame-[^\"]+)\">.*?</g>"
        var reused = 0
        for (name, html) in grouped {
            var drawn = Set<String>()
            for s in try Self.sections(html) {
                let id = try Self.matches("id=\"([^\"]+)\"", in: s)[0][1]
                let own = try #require(single[id], "\(name): \(id) has no page of its own")
                for f in try Self.matches(frame, in: s) { #expect(drawn.insert(f[1]).inserted, "\(name): \(f[1]) drawn twice") }
                let uses = try Self.matches("<use href=\"#(funnel-frame-[^\"]+)\"/>", in: s).map { $0[1] }
                #expect(uses.allSatisfy(drawn.contains), "\(name): \(id) uses a frame not drawn before it on the page")
                reused += uses.count
                // Its own page draws every frame; with them all written as uses, the two agree.
                let re = try NSRegularExpression(pattern: frame)
                let plainOwn = re.stringByReplacingMatches(in: own, range: NSRange(own.startIndex..., in: own), withTemplate: "<use href=\"#$1\"/>")
                let plainHere = re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "<use href=\"#$1\"/>")
                #expect(plainHere == plainOwn, "\(name): \(id)'s section differs from its page of its own")
            }
        }
        #expect(reused > 0, "no frame was reused: the pages of five would be as large as five pages")
    }

    @Test(arguments: [1, 5])
    func everyUnitIsOneClickFromTheNationalViewAndEveryPageLinksBack(perPage: Int) throws {
        let data = try Self.data()
        let dir = try Self.write(data, threshold: 3, perPage: perPage)
        let national = Self.read(dir + "/report.html")
        try Self.expectNothingFetched(national, "report.html")
        let nationalIDs = try Self.ids(national)
        let pages = try Self.pages(dir)
        var linked = Set<String>()
        var reached = Set<String>()
        for href in try Self.hrefs(national) {
            if href.hasPrefix("#") {
                #expect(nationalIDs.contains(String(href.dropFirst())), "report.html: \(href) goes nowhere")
            } else {
                let parts = href.split(separator: "#", maxSplits: 1).map(String.init)
                #expect(parts.count == 2 && parts[0].hasPrefix("report/") && !parts[0].dropFirst(7).contains("/") && parts[0].hasSuffix(".html"),
                        "report.html links outside its pages, or to no section: \(href)")
                guard parts.count == 2, let page = pages[String(parts[0].dropFirst(7))] else {
                    Issue.record("report.html links to a missing page \(href)")
                    continue
                }
                #expect(try Self.ids(page).contains(parts[1]), "report.html: \(href) goes nowhere on its page")
                linked.insert(String(parts[0].dropFirst(7)))
                reached.insert(parts[1])
            }
        }
        #expect(linked == Set(pages.keys), "every page is linked from the national view and every link has its page")
        #expect(reached == Set(ReportModel.anchors(data.table.units)), "every unit's section is reached from the national view")
        // Table 2 links each unit once and the A–Z list once more.
        #expect(try Self.hrefs(national).filter { $0.hasPrefix("report/") }.count == 2 * data.table.units.count)

        let names = pages.keys.sorted()
        for (p, name) in names.enumerated() {
            let html = pages[name]!
            try Self.expectNothingFetched(html, name)
            let ids = try Self.ids(html)
            let hrefs = try Self.hrefs(html)
            #expect(hrefs.contains("../report.html#all"), "\(name) links back to the national view's table")
            let previous = try Self.matches("href=\"([^\"]+)\" rel=\"prev\"", in: html).map { $0[1] }
            let next = try Self.matches("href=\"([^\"]+)\" rel=\"next\"", in: html).map { $0[1] }
            #expect(previous == (p > 0 ? [names[p - 1]] : []), "\(name): the previous page's link \(previous)")
            #expect(next == (p + 1 < names.count ? [names[p + 1]] : []), "\(name): the next page's link \(next)")
            // No id twice on a page (the links would reach only the first).
            let all = try Self.matches("\\sid=\"([^\"]+)\"", in: html).map { $0[1] }
            #expect(all.count == Set(all).count, "\(name): an id given twice")
            for href in hrefs {
                if href.hasPrefix("#") {
                    #expect(ids.contains(String(href.dropFirst())), "\(name): \(href) goes nowhere")
                } else if let sibling = pages[href] {
                    #expect(sibling != html, "\(name) links to itself as another page")
                } else {
                    // Only the national view, or a page beside it; never anything outside the run folder.
                    let parts = href.split(separator: "#", maxSplits: 1).map(String.init)
                    #expect(parts[0] == "../report.html", "\(name) links outside the report: \(href)")
                    if parts.count == 2 { #expect(nationalIDs.contains(parts[1]), "\(name): \(href) goes nowhere in report.html") }
                }
            }
            // A page draws the funnels' frames itself (no `<use>` of a frame on another page).
            for use in try Self.matches("<use href=\"#([^\"]+)\"", in: html) { #expect(ids.contains(use[1]), "\(name) uses a missing \(use[1])") }
            // Its list of units links each of its sections.
            let listed = try Self.matches("<li><a href=\"#(la-[^\"]+)\">", in: html).map { $0[1] }
            let sectionIDs = try Self.sections(html).map { try Self.matches("id=\"([^\"]+)\"", in: $0)[0][1] }
            #expect(listed == sectionIDs, "\(name): its list of units is its sections")
        }
    }

    @Test func unitNamesAreEscapedOnTheirPagesAndTheNationalView() throws {
        let evil = "<script>alert(\"x\")</script> & O'Brien <b>Council</b>"
        let data = try Self.data(rename: evil)
        let dir = try Self.write(data, threshold: 1, perPage: 4)
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien &lt;b&gt;Council&lt;/b&gt;"
        let page = try #require(try Self.pages(dir).values.first { $0.contains(escaped) }, "no page shows the name escaped")
        let national = Self.read(dir + "/report.html")
        for (name, html) in [("unit page", page), ("report.html", national)] {
            #expect(!html.contains("<script"), "\(name) carries the name's markup")
            #expect(!html.contains("<b>Council"), "\(name) carries the name's markup")
            #expect(html.contains(escaped), "\(name) shows the name escaped")
        }
    }

    @Test func anchorsAreUniqueWhateverTheCodes() throws {
        var table = try Self.data().table
        // Codes that reduce to the same anchor, and to anchors differing only in case.
        table.units[0].oldCode = "A/B"
        table.units[1].oldCode = "A-B"
        table.units[2].oldCode = "a b"
        table.units[3].oldCode = "A-B-2"
        for i in 0..<4 { table.units[i].name = "Same Name" }
        let anchors = ReportModel.anchors(table.units)
        #expect(Set(anchors.map { $0.lowercased() }).count == anchors.count, "\(anchors.prefix(4))")
        var data = try Self.data()
        data.table = table
        let dir = try Self.write(data, threshold: 0, perPage: 12)
        let pages = try Self.pages(dir)
        #expect(pages.count == 1)
        let ids = try Self.pages(dir).values.flatMap { try Self.sections($0).map { try Self.matches("id=\"([^\"]+)\"", in: $0)[0][1] } }
        #expect(ids.sorted() == anchors.sorted(), "each unit's section has its own id")
    }

    @Test func theSameBytesAtAnyThreadCount() throws {
        let data = try Self.data()
        let one = try Self.write(data, threshold: 2, perPage: 3, threads: 1)
        let four = try Self.write(data, threshold: 2, perPage: 3, threads: 4)
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
        // A file setting one of the two keys keeps the other's default.
        #expect(settings.reportUnitsPerPage == 50)
        #expect(try RunSettings.defaults().reportUnitsPerPage == 50)
        try settings.apply(try ConfigNode.parse(file: "p.yml", text: "report:\n  units_per_page: 7\n"))
        #expect(settings.reportUnitsPerPage == 7 && settings.reportUnitPagesAbove == 3)
        #expect { try settings.apply(try ConfigNode.parse(file: "p.yml", text: "report:\n  units_per_page: 0\n")) } throws: { "\($0)".contains("units_per_page") }
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
