import Foundation
import Mustache
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskScoring
@testable import WFRisk

/// The report's fast template path (`ReportTemplate`) pinned to the plain one it replaces
/// (swift-mustache): the same bytes for the report's own templates and data, and for random
/// templates of the subset over random values.
@Suite struct ReportTemplateTests {
    static func data(years: Bool) throws -> ReportData {
        let rows = SyntheticData.rows(seed: 77, years: 2019...2023)
        var settings = try Fixtures.settings()
        var tables: [ScoreTable] = []
        for year in (years ? 2021 : 2023)...2023 {
            settings.year = year
            tables.append(try SyntheticData.score(Fixtures.workforceCSV(rows), settings: settings))
        }
        var table = tables.removeLast()
        table.units[1].name = "Brent & \"Harrow\" <Joint> O'Neill"
        var data = ReportData(table: table, inputs: [InputFingerprint(kind: "workforce", path: "/x/wf.csv", sha256: String(repeating: "d", count: 64), count: 1)],
                              settings: settings, synthetic: years)
        data.earlierYears = tables.map(YearScores.init)
        return data
    }

    @Test func theOnePageIsTheSameThroughEitherPath() throws {
        for years in [false, true] {
            let data = try Self.data(years: years)
            let fast = try ScoresReport.render(data, threads: 2, engine: .fast)
            let plain = try ScoresReport.render(data, threads: 2, engine: .mustache)
            #expect(fast.utf8.count > 50_000)
            #expect(fast == plain, "years \(years): first difference at byte \(zip(fast.utf8, plain.utf8).prefix { $0 == $1 }.count)")
        }
    }

    @Test func theUnitPagesAreTheSameThroughEitherPath() throws {
        var data = try Self.data(years: true)
        data.unitPagesAbove = 2
        data.unitsPerPage = 3
        let a = Fixtures.temporaryDirectory("fast"), b = Fixtures.temporaryDirectory("plain")
        try ScoresReport.write(data, to: a + "/report.html", threads: 2, engine: .fast)
        try ScoresReport.write(data, to: b + "/report.html", threads: 2, engine: .mustache)
        #expect(FileManager.default.contents(atPath: a + "/report.html") == FileManager.default.contents(atPath: b + "/report.html"))
        let pages = try FileManager.default.contentsOfDirectory(atPath: a + "/report")
        #expect(pages.count == (data.table.units.count + 2) / 3 && pages.count > 1)
        for p in pages {
            #expect(FileManager.default.contents(atPath: a + "/report/" + p) == FileManager.default.contents(atPath: b + "/report/" + p), "\(p)")
        }
    }

    @Test func everyShippedTemplateIsWithinTheFastSubset() throws {
        for name in ScoresReport.templateNames {
            #expect(throws: Never.self, "\(name) would fall back to swift-mustache") { try ReportTemplate(try ScoresReport.resource("report/\(name).mustache")) }
        }
    }

    /// HTML already rendered reaches swift-mustache (the fallback) as its string, nested or not,
    /// and renders there as the fast path places its bytes.
    @Test func renderedHTMLReachesSwiftMustacheAsItsString() throws {
        let html = RenderedHTML(bytes: Array("<p class=\"a\">Brent &amp; Harrow · é</p>".utf8))
        let values: [String: Any] = ["top": html, "list": [["inner": html]], "empty": RenderedHTML()]
        let plain = TemplateValue(values).plain as? [String: Any]
        #expect(plain?["top"] as? String == html.string)
        #expect(((plain?["list"] as? [Any])?.first as? [String: Any])?["inner"] as? String == html.string)
        #expect(plain?["empty"] as? String == "")
        let text = "{{{top}}}|{{top}}|{{#list}}{{{inner}}}{{/list}}|{{#empty}}e{{/empty}}\n"
        var library = MustacheLibrary()
        try library.register(text, named: "t")
        let mustache = try #require(library.render(plain!, withTemplate: "t"))
        #expect(String(decoding: try ReportTemplate(text).render(values), as: UTF8.self) == mustache)
    }

    @Test func whatTheFastPathDoesNotHandleIsRefusedSoTheReportFallsBack() {
        for text in ["a {{! comment}} b", "{{> partial}}", "{{=<% %>=}}", "{{&name}}", "{{#a}}x", "x{{/a}}", "{{#a}}x{{/b}}", "a\r\nb", "{{name", "{{café}}", "{{n²}}"] {
            #expect(throws: ReportTemplate.Unsupported.self, "\(text)") { try ReportTemplate(text) }
        }
    }

    /// Random templates of the subset (text, line ends, standalone and inline section tags,
    /// escaped and raw variables, `.` and `.name`) over random values (strings with HTML
    /// metacharacters and empty strings, Bools, Ints, empty and full lists, missing keys).
    @Test func randomTemplatesRenderAsSwiftMustacheRendersThem() throws {
        var rng = SeededRandom(seed: 2025)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        let names = ["a", "b", "c", "list", "flag"]
        func value(_ depth: Int) -> Any {
            switch rng.next() % (depth > 1 ? 4 : 6) {
            case 0: return pick(["", "x", "<b>&\"'</b>", "Kingston upon Hull, City of", "line\nbreak", "–·é"])
            case 1: return rng.next() % 2 == 0
            case 2: return Int(rng.next() % 300)
            case 3: return pick(["", "plain"])
            case 4: return (0..<Int(rng.next() % 3)).map { _ in object(depth + 1) }
            default: return object(depth + 1)
            }
        }
        func object(_ depth: Int) -> [String: Any] {
            var o: [String: Any] = [:]
            for n in names where rng.next() % 3 != 0 { o[n] = value(depth) }
            return o
        }
        func template(_ depth: Int) -> String {
            var out = ""
            for _ in 0..<Int(1 + rng.next() % 6) {
                switch rng.next() % (depth > 2 ? 5 : 8) {
                case 0: out += pick(["text", " ", "<p>", "\n", "  \n", "x\n"])
                case 1: out += "{{\(pick(names))}}"
                case 2: out += "{{{\(pick(names))}}}"
                case 3: out += pick(["{{.}}", "{{.a}}", "{{ b }}"])
                case 4: out += "\n"
                default:
                    let n = pick(names + [".list", ".a"])
                    let sigil = pick(["#", "^"])
                    let standalone = rng.next() % 2 == 0
                    let (o, c) = ("{{\(sigil)\(n)}}", "{{/\(n)}}")
                    out += standalone ? "\n\(o)\n" + template(depth + 1) + "\n\(c)\n" : o + template(depth + 1) + c
                }
            }
            return out
        }
        var compared = 0
        for _ in 0..<600 {
            let text = template(0)
            try Self.expectSameAsSwiftMustache(text, object(0))
            compared += 1
        }
        #expect(compared == 600)
    }

    /// `text` rendered over `values` by the fast path and by swift-mustache (over the values made
    /// plain: views by reflection) gives the same text.
    static func expectSameAsSwiftMustache(_ text: String, _ values: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fast = try ReportTemplate(text).render(values)
        var library = MustacheLibrary()
        try library.register(text, named: "t")
        let plain = try #require(library.render(TemplateValue(values).plain, withTemplate: "t"), sourceLocation: sourceLocation)
        #expect(String(decoding: fast, as: UTF8.self) == plain, "template \(text.debugDescription) values \(values)", sourceLocation: sourceLocation)
    }

    /// Random templates over dictionaries that hold views (`TemplateFields`) and lists of views:
    /// names answered by a view, names a view has no field for (looked up the stack past it),
    /// nil optionals (`Fact.detail`: past it too), `.name` in the current value only, and dotted
    /// names through views and dictionaries, as swift-mustache renders the same values made
    /// plain (views by reflection).
    @Test func randomTemplatesOverViewsRenderAsSwiftMustacheRendersThem() throws {
        var rng = SeededRandom(seed: 2026)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        let texts = ["", "x", "<b>&\"'</b>", "King's Lynn"]
        let textNames = ["name", "css", "href", "detail", "label", "value", "swatch"]
        let viewNames = ["band", "rows", "entry"]
        func fact() -> Fact { Fact(label: pick(texts), value: pick(texts), detail: rng.next() % 2 == 0 ? nil : pick(texts)) }
        func object(_ depth: Int) -> [String: Any] {
            var o: [String: Any] = [:]
            for n in textNames where rng.next() % 3 != 0 { o[n] = pick(texts) }
            if rng.next() % 2 == 0 { o["band"] = BandView(name: pick(texts), css: pick(texts), swatch: pick(texts)) }
            if rng.next() % 2 == 0 { o["entry"] = IndexEntry(href: pick(texts), name: pick(texts)) }
            if rng.next() % 3 != 0 {
                o["rows"] = rng.next() % 2 == 0 ? (0..<Int(rng.next() % 3)).map { _ in fact() } as [Any]
                    : (depth < 1 ? (0..<Int(rng.next() % 3)).map { _ in object(depth + 1) } as [Any] : [])
            }
            return o
        }
        func name() -> String {
            switch rng.next() % 4 {
            case 0: return "." + pick(textNames)
            case 1: return pick(viewNames) + "." + pick(textNames)
            default: return pick(textNames)
            }
        }
        func template(_ depth: Int) -> String {
            var out = ""
            for _ in 0..<Int(1 + rng.next() % 6) {
                switch rng.next() % (depth > 2 ? 4 : 6) {
                case 0: out += pick(["text", " ", "\n", "  \n"])
                case 1: out += "{{\(name())}}"
                case 2: out += "{{{\(name())}}}"
                case 3: out += "|"
                default:
                    let n = pick(viewNames + viewNames + textNames + [".rows", ".band"])
                    let sigil = pick(["#", "^"])
                    let standalone = rng.next() % 2 == 0
                    let (o, c) = ("{{\(sigil)\(n)}}", "{{/\(n)}}")
                    out += standalone ? "\n\(o)\n" + template(depth + 1) + "\n\(c)\n" : o + template(depth + 1) + c
                }
            }
            return out
        }
        var compared = 0, throughViews = 0
        for _ in 0..<600 {
            let text = template(0)
            try Self.expectSameAsSwiftMustache(text, object(0))
            compared += 1
            if text.contains("{{#rows}}") || text.contains("{{#band}}") || text.contains(".band") || text.contains("entry.") { throughViews += 1 }
        }
        #expect(compared == 600)
        #expect(throughViews > 300, "\(throughViews) templates reached views")
    }

    /// A list made an item at a time (`TemplateList`) renders as the plain list it stands for,
    /// in sections and inverted sections, empty or not, whole or in blocks.
    @Test func aListMadeAnItemAtATimeIsThePlainList() throws {
        let template = try ReportTemplate("{{#rows}}<{{name}}|{{href}}>{{/rows}}{{^rows}}none {{title}}{{/rows}}.\n")
        for count in [0, 1, 3] {
            let entries = (0..<count).map { IndexEntry(href: "#u\($0)", name: "Unit & \($0)") }
            let plain = template.render(["rows": entries.map { ["href": $0.href, "name": $0.name] }, "title": "t"] as [String: Any])
            let lazy: [String: Any] = ["rows": TemplateList(entries), "title": "t"]
            #expect(template.render(lazy) == plain, "\(count) items")
            var blocks: [[UInt8]] = []
            try template.render(lazy, blockSize: 1) { blocks.append($0) }
            #expect(Array(blocks.joined()) == plain, "\(count) items in blocks")
            #expect(String(decoding: plain, as: UTF8.self).contains(count == 0 ? "none t" : "Unit &amp; 0"))
        }
    }
}
