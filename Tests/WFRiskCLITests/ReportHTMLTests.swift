import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskScoring
@testable import WFRisk

/// `report.html` as a reader meets it: self-contained, structured for assistive technology,
/// rendered by a real browser without a single request leaving the file.
@Suite(.serialized) struct ReportHTMLTests {
    static func sampleRun() throws -> String {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--out", out, "--quiet"])
        guard r.status == 0 else { throw ExternalTools.ToolError("sample run failed: \(r.stderr)") }
        return out + "/latest"
    }

    static func realRun() throws -> String {
        let out = Fixtures.temporaryDirectory()
        let r = try Fixtures.run(["run", "--pipeline", try Fixtures.strictRealPipeline(), "--out", out, "--quiet"])
        guard r.status == 0 else { throw ExternalTools.ToolError("real run failed: \(r.stderr)") }
        return out + "/latest"
    }

    func read(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }

    /// Every match of `pattern` with its groups (NSRegularExpression: Swift's Regex is far slower on megabytes).
    func matches(_ pattern: String, in text: String) throws -> [[String]] {
        let re = try NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            (0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
        }
    }

    /// Nothing in the page can make a browser fetch: no script, no external reference in any
    /// src, href or CSS url(), no @import; every link is to an anchor that exists, ids unique.
    func expectSelfContained(_ html: String) throws {
        #expect(!html.lowercased().contains("<script"), "a script element")
        #expect(!html.lowercased().contains("@import"))
        #expect(try matches("(?i)\\s(?:src|srcset|data|poster|action|formaction)\\s*=", in: html).isEmpty, "an attribute that loads something")
        #expect(try matches("(?i)url\\(", in: html).isEmpty, "a CSS url()")
        #expect(try matches("(?i)<(?:link|iframe|object|embed|img|video|audio|source|base)\\b", in: html).isEmpty, "an element that loads something")
        let ids = try matches("\\sid=\"([^\"]+)\"", in: html).map { $0[1] }
        #expect(Set(ids).count == ids.count, "duplicate ids: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.prefix(5))")
        let hrefs = try matches("\\shref=\"([^\"]*)\"", in: html).map { $0[1] }
        #expect(!hrefs.isEmpty)
        let idSet = Set(ids)
        for href in hrefs {
            #expect(href.hasPrefix("#") && idSet.contains(String(href.dropFirst())), "link \(href) leaves the page or goes nowhere")
        }
    }

    /// Headings in order, a text alternative on every chart (title and description it names),
    /// every chart in a figure with a caption, every table captioned with header cells.
    func expectAccessibleStructure(_ html: String) throws {
        #expect(html.contains("<html lang=\"en-GB\">"))
        #expect(try matches("<h1[ >]", in: html).count == 1)
        var previous = 1
        for h in try matches("<h([1-6])[ >]", in: html).map({ Int($0[1])! }) {
            #expect(h <= previous + 1, "heading level jumps from h\(previous) to h\(h)")
            previous = h
        }
        let charts = try matches("<svg id=\"([^\"]+)\" class=\"chart\" role=\"img\" aria-labelledby=\"([^\"]+)\"", in: html)
        #expect(charts.count == (try matches("<svg[ >]", in: html)).count - (try matches("class=\"swatch\"", in: html)).count,
                "every non-decorative svg is a labelled chart")
        for c in charts {
            let parts = c[2].split(separator: " ").map(String.init)
            #expect(parts == ["\(c[1])-title", "\(c[1])-desc"])
            let title = try matches("<title id=\"\(c[1])-title\">([^<]+)</title><desc id=\"\(c[1])-desc\">([^<]{40,})</desc>", in: html)
            #expect(title.count == 1, "chart \(c[1]) lacks a title or a description of at least 40 characters")
        }
        #expect(try matches("class=\"swatch\"[^>]*aria-hidden=\"true\"", in: html).count == (try matches("class=\"swatch\"", in: html)).count)
        // Split rather than regex: the national report is a few megabytes.
        for figure in html.components(separatedBy: "<figure").dropFirst() {
            let body = figure.components(separatedBy: "</figure>")[0]
            if body.contains("class=\"chart\"") { #expect(body.contains("<figcaption"), "a chart figure without a caption") }
        }
        let tables = html.components(separatedBy: "<table").dropFirst().map { $0.components(separatedBy: "</table>")[0] }
        #expect(!tables.isEmpty)
        for t in tables {
            #expect(t.contains("<caption>") && t.contains("scope=\"col\""), "a table without caption or column headers")
        }
    }

    @Test func sampleReportIsSelfContainedAccessibleAndCoversEveryUnit() throws {
        let latest = try Self.sampleRun()
        let html = read(latest + "/report.html")
        try expectSelfContained(html)
        try expectAccessibleStructure(html)
        // Every unit of scores.csv has a section; unranked ones show their reason.
        let csv = try CSVReader.readAll(path: latest + "/scores.csv").map(\.fields)
        let header = csv[0].map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        let code = header.firstIndex(of: "old_la_code")!, reason = header.firstIndex(of: "exclusion_reason")!
        let sections = Set(try matches("<section class=\"unit\" id=\"([^\"]+)\"", in: html).map { $0[1] })
        let reasons = Set(try matches("<strong>Not ranked.</strong> ([^<]*)</p>", in: html).map { $0[1] })
        for row in csv.dropFirst() {
            let anchor = "la-" + String(row[code].map { $0.isLetter || $0.isNumber ? $0 : "-" }).replacingOccurrences(of: "---", with: "-")
            #expect(sections.contains(anchor), "no section for \(row[code])")
            if !row[reason].isEmpty { #expect(reasons.contains(ReportCharts.esc(row[reason]))) }
        }
        // The sample data is marked synthetic, and the report says so before anything else.
        #expect(html.contains("<p class=\"synthetic\" role=\"note\"><strong>Synthetic data.</strong>"))
        #expect(html.contains("<title>SYNTHETIC DATA: "))
        // The sample's inspection quotes appear with their source file.
        #expect(html.contains("<cite>"))
        // The manifest lists the workbook and the report with their hashes.
        let manifest = try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: latest + "/manifest.json")!) as! [String: Any]
        let outputs = (manifest["outputs"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(outputs.contains("report.html") && outputs.contains("scores.xlsx"))
        for o in manifest["outputs"] as! [[String: Any]] where o["name"] as? String == "report.html" {
            #expect(o["sha256"] as? String == (try SHA256Digest.hex(ofFile: latest + "/report.html")))
        }
    }

    /// Each unit's indicator table gives a band badge only to an indicator that has one
    /// (indicators.csv's `band`), never the authority's own band to a row with no value; its
    /// points chart says "no value" only for indicators without one and "weight 0" for those
    /// with a value that carry no weight.
    @Test func indicatorRowsShowOnlyTheirOwnBandAndTheChartSaysWhyAnIndicatorHasNoPoints() throws {
        let latest = try Self.sampleRun()
        let html = read(latest + "/report.html")
        let csv = try CSVReader.readAll(path: latest + "/indicators.csv").map(\.fields)
        let band = csv[0].firstIndex(of: "band")!
        let withBand = csv.dropFirst().filter { !$0[band].isEmpty }.count
        let sections = html.components(separatedBy: "<section class=\"unit\"").dropFirst()
        var badges = 0, blankRows = 0
        for section in sections {
            let rows = try matches("<tr><th scope=\"row\">[^<]*(?:<br><span class=\"muted\">[^<]*</span>)?</th><td class=\"num\">([^<]*)</td>"
                                   + "(?:<td class=\"num\">[^<]*</td>){4}<td>(.*?)</td><td class=\"num\">([^<]*)</td>", in: section)
            #expect(rows.count == 15, "indicator rows: \(rows.count)")
            for r in rows {
                if r[2].contains("badge") { badges += 1 }
                if r[1] == "–" {
                    blankRows += 1
                    #expect(r[2].isEmpty, "a badge on an indicator with no value: \(r[2])")
                }
            }
            let chart = section.components(separatedBy: "-contrib\" class=\"chart\"")[1].components(separatedBy: "</svg>")[0]
            let noValue = rows.filter { $0[1] == "–" }.count
            let weightZero = rows.filter { $0[1] != "–" && Double($0[3]) == 0 }.count
            #expect(chart.components(separatedBy: ">no value</text>").count - 1 == noValue)
            #expect(chart.components(separatedBy: ">weight 0</text>").count - 1 == weightZero)
        }
        #expect(blankRows > 0, "the sample has indicators with no value")
        #expect(badges == withBand, "badges \(badges), indicators with a band \(withBand)")
    }

    /// The check above can fail: a page with one external image is caught.
    @Test func selfContainedCheckCatchesAnExternalReference() throws {
        let html = "<html lang=\"en-GB\"><body><a href=\"#x\" id=\"x\">x</a><img src=\"https://example.invalid/a.png\" alt=\"\"></body></html>"
        // An expectation that records no issue here fails the test ("known issue was not recorded").
        withKnownIssue("the page loads an external image") { try expectSelfContained(html) }
    }

    @Test func reportIsByteIdenticalForIdenticalInputs() throws {
        let table = try SyntheticData.score(Fixtures.workforceCSV(SyntheticData.rows(seed: 21)))
        let data = ReportData(table: table, inputs: [InputFingerprint(kind: "workforce", path: "/x/wf.csv", sha256: String(repeating: "b", count: 64), count: 1)],
                              settings: try Fixtures.settings())
        let a = try ScoresReport.render(data)
        let b = try ScoresReport.render(data, threads: 4)
        #expect(a == b, "the same bytes whatever the thread count")
        #expect(a.contains("wf.csv") && !a.contains("/x/wf.csv"), "inputs by name, not path")
    }

    /// With earlier years, each unit gets a series chart and its table, one row per year; a
    /// unit missing from a year leaves a gap, not a zero.
    @Test func earlierYearsGiveEachUnitASeriesWithItsTable() throws {
        let rows = SyntheticData.rows(seed: 31, years: 2019...2023)
        var settings = try Fixtures.settings()
        var tables: [ScoreTable] = []
        for year in 2021...2023 {
            settings.year = year
            tables.append(try SyntheticData.score(Fixtures.workforceCSV(rows), settings: settings))
        }
        tables[0].units.removeAll { $0.oldCode == "841" }
        var data = ReportData(table: tables[2], inputs: [], settings: settings)
        data.earlierYears = tables[0..<2].map(YearScores.init)
        let html = try ScoresReport.render(data)
        try expectAccessibleStructure(html)
        #expect(try matches("<svg id=\"la-[^\"]+-series\" class=\"chart\"", in: html).count == tables[2].units.count)
        let darlington = try #require(html.components(separatedBy: "<section class=\"unit\" id=\"la-841\"").dropFirst().first)
        let table = try #require(darlington.components(separatedBy: "overall score by year</caption>").dropFirst().first?.components(separatedBy: "</table>").first)
        let years = try matches("<tr><th scope=\"row\">(20\\d\\d)</th><td class=\"num\">([^<]+)</td>", in: table)
        #expect(years.map { $0[1] } == ["2021", "2022", "2023"])
        #expect(years[0][2] == "–", "no 2021 score: shown as missing")
        let u2023 = tables[2].units.first { $0.oldCode == "841" }!
        #expect(years[2][2] == Decimals.format(u2023.overall!, 1))
        // No earlier years, no series.
        let single = try ScoresReport.render(ReportData(table: tables[2], inputs: [], settings: settings))
        #expect(!single.contains("-series\""))
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func realDataReportHasEveryUnitAndEveryExclusionWithItsReason() throws {
        let latest = try Self.realRun()
        let html = read(latest + "/report.html")
        try expectSelfContained(html)
        try expectAccessibleStructure(html)
        let csv = try CSVReader.readAll(path: latest + "/scores.csv").map(\.fields)
        let header = csv[0].map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        let name = header.firstIndex(of: "la_name")!, reason = header.firstIndex(of: "exclusion_reason")!, status = header.firstIndex(of: "status")!
        #expect(try matches("<section class=\"unit\"", in: html).count == csv.count - 1)
        let headings = Set(try matches("<h2 id=\"la-[^\"]+\">([^<]+)</h2>", in: html).map { $0[1] })
        let reasons = Set(try matches("<strong>Not ranked.</strong> ([^<]*)</p>", in: html).map { $0[1] })
        var excluded = 0
        for row in csv.dropFirst() {
            #expect(headings.contains(ReportCharts.esc(row[name])), "no section heading for \(row[name])")
            if row[status] == "excluded" {
                excluded += 1
                #expect(reasons.contains(ReportCharts.esc(row[reason])), "\(row[name])'s reason is missing")
            }
        }
        #expect(excluded >= 1)
        // Every ranked unit's 90% interval is in the national table beside its rank, and in the chart.
        let low = header.firstIndex(of: "overall_rank_low")!, high = header.firstIndex(of: "overall_rank_high")!
        let rank = header.firstIndex(of: "overall_rank")!, summary = header.firstIndex(of: "summary")!
        let intervals = Set(try matches("<tr><td class=\"num\">(\\d+)</td><td class=\"num\">(\\d+)–(\\d+)</td><th scope=\"row\"><a href=\"#[^\"]+\">([^<]+)</a>", in: html)
            .map { "\($0[4]) \($0[1]) \($0[2]) \($0[3])" })
        let chartTitles = Set(try matches("<g class=\"unit\"><title>([^<]+)</title>", in: html).map { $0[1] })
        let summaries = Set(try matches("<p class=\"summary\">([^<]+)</p>", in: html).map { $0[1] })
        for row in csv.dropFirst() where row[status] == "ranked" {
            let unit = ReportCharts.esc(row[name])
            #expect(intervals.contains("\(unit) \(row[rank]) \(row[low]) \(row[high])"), "\(row[name])'s interval missing from the table")
            #expect(chartTitles.contains("\(unit): rank \(row[rank]) (90% interval \(row[low])–\(row[high]))"), "\(row[name]) missing from the rank chart")
            #expect(summaries.contains(ReportCharts.esc(row[summary])), "\(row[name])'s summary sentence missing")
        }
        // Each unit's series covers the years history.csv has for it.
        #expect(try matches("<svg id=\"la-[^\"]+-series\" class=\"chart\"", in: html).count == csv.count - 1)
        #expect(!html.contains("class=\"synthetic\""), "real data is not flagged synthetic")
        #expect(try matches("\\b(?:nan|NaN|inf)\\b", in: html).isEmpty, "a number that is not a number")
    }

    // MARK: Chromium

    /// Loads `file` in headless Chromium with every host unresolvable and a proxy to nowhere,
    /// writes a PNG, and returns the URLs the page itself asked the network for (from the net log).
    static func render(_ file: String, png: String, width: Int = 1200, height: Int = 1600) throws -> (requests: [String], dom: String) {
        guard let chromium = ExternalTools.chromium else { throw ExternalTools.ToolError("no chromium") }
        let work = Fixtures.temporaryDirectory("chromium")
        let netLog = work + "/net.json"
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                      "--user-data-dir=\(work)/profile", "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"]
        let shot = try ExternalTools.run(chromium, common + ["--log-net-log=\(netLog)", "--screenshot=\(png)", "--window-size=\(width),\(height)",
                                                             URL(fileURLWithPath: file).absoluteString])
        guard shot.status == 0 else { throw ExternalTools.ToolError("chromium failed (\(shot.status)): \(shot.stderr.suffix(2000))") }
        let dom = try ExternalTools.run(chromium, common + ["--user-data-dir=\(work)/profile2", "--dump-dom", URL(fileURLWithPath: file).absoluteString])
        let log = try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: netLog) ?? Data("{}".utf8)) as? [String: Any] ?? [:]
        let types = ((log["constants"] as? [String: Any])?["logEventTypes"] as? [String: Int] ?? [:])
        let start = types["URL_REQUEST_START_JOB"]
        var requests: [String] = []
        for case let event as [String: Any] in log["events"] as? [Any] ?? [] where event["type"] as? Int == start {
            let params = event["params"] as? [String: Any] ?? [:]
            // Requests the page made carry the file's origin; the browser's own housekeeping does not.
            let key = params["network_isolation_key"] as? String ?? ""
            if key.contains("file://") || params["initiator"] as? String == "null", let url = params["url"] as? String {
                requests.append(url)
            }
        }
        return (requests, String(decoding: dom.stdout, as: UTF8.self))
    }

    static func isPNG(_ path: String) -> (ok: Bool, width: Int, height: Int) {
        guard let d = FileManager.default.contents(atPath: path), d.count > 24,
              Array(d.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return (false, 0, 0) }
        func be(_ o: Int) -> Int { d[o..<o + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (true, be(16), be(20))
    }

    @Test(.enabled(if: ExternalTools.chromium != nil, Comment(rawValue: ExternalTools.chromiumSkipMessage)))
    func chromiumRendersTheReportWithNoRequestLeavingTheFile() throws {
        let latest = try Self.sampleRun()
        let png = Fixtures.temporaryDirectory() + "/report.png"
        let (requests, dom) = try Self.render(latest + "/report.html", png: png)
        #expect(requests.isEmpty, "the page asked the network for \(requests)")
        let image = Self.isPNG(png)
        #expect(image.ok && image.width == 1200 && image.height == 1600)
        #expect((try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int ?? 0) > 30_000, "a blank screenshot")
        // The browser parsed the whole document: the national view and the last unit's section are in its DOM.
        #expect(dom.contains("<h2 id=\"national-h\">National view</h2>"))
        #expect(dom.contains("id=\"about-h\""))
        #expect(dom.contains("<svg id=\"chart-ranks\""))
    }

    /// The net-log check can fail: the same harness sees a page's external image request.
    @Test(.enabled(if: ExternalTools.chromium != nil, Comment(rawValue: ExternalTools.chromiumSkipMessage)))
    func chromiumHarnessSeesARequestThatLeavesThePage() throws {
        let dir = Fixtures.temporaryDirectory()
        let page = dir + "/leaky.html"
        try Fixtures.write("<!DOCTYPE html><html lang=\"en\"><body><h1>x</h1><img src=\"http://example.invalid/pixel.png\" alt=\"\"></body></html>", to: page)
        let (requests, _) = try Self.render(page, png: dir + "/leaky.png", width: 400, height: 300)
        #expect(requests.contains("http://example.invalid/pixel.png"), "\(requests)")
    }
}
