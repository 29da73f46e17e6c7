import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import WFRiskCore
@testable import WFRisk

/// Parses an SVG chart as XML and gives its elements by name.
struct SVGDoc {
    let root: XMLElement

    init(_ svg: String) throws {
        root = try XMLDocument(xmlString: svg, options: []).rootElement()!
    }

    func all(_ name: String) -> [XMLElement] {
        var out: [XMLElement] = []
        func walk(_ e: XMLElement) {
            if e.name == name { out.append(e) }
            for case let child as XMLElement in e.children ?? [] { walk(child) }
        }
        walk(root)
        return out
    }

    func number(_ e: XMLElement, _ attribute: String) -> Double { Double(e.attribute(forName: attribute)?.stringValue ?? "") ?? .nan }
    func string(_ e: XMLElement, _ attribute: String) -> String? { e.attribute(forName: attribute)?.stringValue }
    var title: String { all("title").first?.stringValue ?? "" }
    var desc: String { all("desc").first?.stringValue ?? "" }
}

@Suite struct ReportChartTests {
    /// Accessible name and description are present and referenced.
    func expectLabelled(_ doc: SVGDoc, id: String) {
        #expect(doc.string(doc.root, "role") == "img")
        #expect(doc.string(doc.root, "aria-labelledby") == "\(id)-title \(id)-desc")
        #expect(!doc.title.isEmpty && !doc.desc.isEmpty)
    }

    /// The two charts of every unit's section written as bytes (FastPaths/ChartBytes.swift)
    /// against their plain paths: random lines (missing years, one year, none, equal values,
    /// negative and large values, dashed and emphasised) and random bars (groups, missing points,
    /// points past the limit, every blank), names with the characters that need escaping.
    @Test func unitChartsWrittenAsBytesAreThePlainCharts() {
        var rng = SeededRandom(seed: 41)
        let names = ["Unit", "King's Lynn & West <Norfolk>", "\"Quoted\"", "Región", "", "a b"]
        let colours = [ReportPalette.seriesUnit, ReportPalette.seriesRegion, ReportPalette.seriesEngland]
        for trial in 0..<400 {
            let magnitude = rng.pick([1.0, 10, 100, 10_000])
            let lines = (0..<Int(rng.next() % 4)).map { _ in
                let first = 2010 + Int(rng.next() % 5)
                let points: [(year: Int, value: Double?)] = (0..<Int(rng.next() % 8)).map { k in
                    (first + k, rng.chance(0.2) ? nil : rng.chance(0.1) ? 50 : (rng.unit() - 0.3) * magnitude)
                }.shuffled(using: &rng)
                return ReportCharts.SeriesLine(name: rng.pick(names), points: points, colour: rng.pick(colours),
                                               dashed: rng.chance(0.3), emphasised: rng.chance(0.3))
            }
            let id = rng.pick(["s", "la-1-series", "a&b"]), title = rng.pick(names), description = rng.pick(names)
            let fast = ReportCharts.series(lines, id: id, title: title, description: description)
            let plain = ReportCharts.seriesPlain(lines, id: id, title: title, description: description)
            #expect(fast == plain, "series, trial \(trial): first difference at \(zip(fast.utf8, plain.utf8).prefix { $0 == $1 }.count)")

            let blanks: [ReportCharts.Contribution.Blank] = [.noValue, .weightZero, .notScored]
            let items = (0..<Int(rng.next() % 9)).map { _ in
                ReportCharts.Contribution(group: rng.pick(["Instability", "Caseload <risk>"]), label: rng.pick(names),
                                          points: rng.chance(0.25) ? nil : (rng.unit() - 0.5) * rng.pick([1.0, 20, 80]),
                                          blank: rng.pick(blanks))
            }
            let limit = rng.pick([0.0, 0.001, 5, 12.5, 40])
            let bars = ReportCharts.contributions(items, limit: limit, id: id, title: "t", description: "d")
            let plainBars = ReportCharts.contributionsPlain(items, limit: limit, id: id, title: "t", description: "d")
            #expect(bars == plainBars, "contributions, trial \(trial): first difference at \(zip(bars.utf8, plainBars.utf8).prefix { $0 == $1 }.count)")
        }
    }

    /// A funnel's chart written as bytes against its plain path: the frame drawn or reused, a
    /// highlighted point on either side (its name anchored at the end past 70% of the width),
    /// none, or one without a denominator; ids and names that need escaping.
    @Test func funnelChartsWrittenAsBytesAreThePlainCharts() throws {
        var rng = SeededRandom(seed: 43)
        let names = ["Halton", "King's Lynn & West <Norfolk>", "\"Quoted\"", ""]
        for trial in 0..<200 {
            let points = (0..<Int(1 + rng.next() % 30)).map { _ in
                ReportCharts.FunnelPoint(label: rng.pick(names), denominator: rng.chance(0.1) ? 0 : pow(10, 3 * rng.unit()),
                                         value: 30 * rng.unit())
            }
            let limits = [5.0, 50, 500].map { d in
                ReportCharts.FunnelLimitsLine(denominator: d, low95: 10 - 5 / d.squareRoot(), high95: 10 + 5 / d.squareRoot(),
                                              low998: 10 - 9 / d.squareRoot(), high998: 10 + 9 / d.squareRoot())
            }
            let frame = try #require(ReportCharts.funnelFrame(points, limits: limits, england: 10, xLabel: rng.pick(names),
                                                              yLabel: "Rate", id: rng.pick(["f", "a&b"]), dots: rng.chance(0.5)))
            let highlight = rng.chance(0.2) ? nil : rng.pick(points)
            let reuse = rng.chance(0.5), id = rng.pick(["c", "la-1-funnel-x", "<id>"])
            let title = rng.pick(names), description = rng.pick(names)
            let fast = frame.chart(highlight: highlight, reuse: reuse, id: id, title: title, description: description)
            let plain = frame.chartPlain(highlight: highlight, reuse: reuse, id: id, title: title, description: description)
            #expect(fast == plain, "trial \(trial): first difference at \(zip(fast.utf8, plain.utf8).prefix { $0 == $1 }.count)")
        }
    }

    @Test func contributionBarsGrowFromZeroInProportionAndDirection() throws {
        let items: [ReportCharts.Contribution] = [
            .init(group: "Instability", label: "Turnover <rate>", points: 8),
            .init(group: "Instability", label: "Agency", points: -4),
            .init(group: "Instability", label: "Absence", points: nil),
            .init(group: "Caseload risk", label: "Caseload", points: 2),
            .init(group: "Caseload risk", label: "Huge", points: 40),
        ]
        let doc = try SVGDoc(ReportCharts.contributions(items, limit: 10, id: "c", title: "t", description: "d"))
        expectLabelled(doc, id: "c")
        let bars = doc.all("rect").filter { doc.string($0, "class") == "bar" }
        #expect(bars.count == 4, "one bar per indicator with a value")
        let zero = try #require(doc.all("line").first { doc.string($0, "x1") == doc.string($0, "x2") && doc.number($0, "y1") == 6 })
        let z = doc.number(zero, "x1")
        let byPoints = Dictionary(uniqueKeysWithValues: bars.map { (doc.string($0, "data-points")!, $0) })
        let up = try #require(byPoints["8.00"]), down = try #require(byPoints["-4.00"]), small = try #require(byPoints["2.00"])
        #expect(abs(doc.number(up, "x") - z) < 0.11, "a raising bar starts at zero")
        #expect(abs(doc.number(down, "x") + doc.number(down, "width") - z) < 0.11, "a lowering bar ends at zero")
        #expect(abs(doc.number(up, "width") / doc.number(small, "width") - 4) < 0.01, "widths are proportional to points")
        #expect(abs(doc.number(up, "width") / doc.number(down, "width") - 2) < 0.01)
        #expect(doc.string(up, "fill") == ReportPalette.raises.hex && doc.string(down, "fill") == ReportPalette.lowers.hex)
        // A contribution beyond the limit is drawn to the edge, not past it.
        let huge = try #require(byPoints["40.00"])
        #expect(abs(doc.number(huge, "width") - 10 / 8 * doc.number(up, "width")) < 0.2)
        let texts = doc.all("text").map { $0.stringValue ?? "" }
        #expect(texts.contains("no value") && texts.contains("+8.0") && texts.contains("−4.0"))
        #expect(texts.contains("Turnover <rate>"), "labels are escaped, not markup")
    }

    @Test func rankChartPlacesEveryUnitAtItsRankWithItsInterval() throws {
        let points = [
            ReportCharts.RankPoint(label: "A", rank: 1, low: 1, high: 3, band: "high"),
            ReportCharts.RankPoint(label: "B", rank: 2, low: 1, high: 6, band: "elevated"),
            ReportCharts.RankPoint(label: "C", rank: 3, low: nil, high: nil, band: "moderate"),
            ReportCharts.RankPoint(label: "D", rank: 10, low: 7, high: 10, band: "low"),
        ]
        let doc = try SVGDoc(ReportCharts.rankIntervals(points, total: 10, id: "r", title: "t", description: "d"))
        expectLabelled(doc, id: "r")
        let groups = doc.all("g").filter { doc.string($0, "class") == "unit" }
        #expect(groups.count == 4)
        func markerY(_ g: XMLElement) -> Double {
            let shape = (g.children ?? []).compactMap { $0 as? XMLElement }.first { ["circle", "rect", "path"].contains($0.name ?? "") }!
            switch shape.name {
            case "circle": return doc.number(shape, "cy")
            case "rect": return doc.number(shape, "y") + doc.number(shape, "height") / 2
            default:
                // Diamond: first point is the top, third the bottom.
                let nums = (doc.string(shape, "d") ?? "").split(whereSeparator: { "MLZ ".contains($0) }).compactMap { Double($0) }
                return shape.name == "path" && nums.count >= 6 ? (nums[1] + nums[5]) / 2 : .nan
            }
        }
        let ys = groups.map(markerY)
        #expect(ys[0] < ys[1] && ys[1] < ys[2] && ys[2] < ys[3], "rank 1 at the top, rank 10 at the bottom: \(ys)")
        // Intervals: a vertical line from the low rank to the high rank, in the band colour.
        let lines = groups.map { g in (g.children ?? []).compactMap { $0 as? XMLElement }.first { $0.name == "line" } }
        #expect(lines[2] == nil, "no interval drawn when none was computed")
        let a = try #require(lines[0]), b = try #require(lines[1])
        #expect(doc.number(b, "y2") - doc.number(b, "y1") > doc.number(a, "y2") - doc.number(a, "y1"), "a wider interval draws a longer line")
        #expect(doc.string(b, "stroke") == ReportPalette.band("elevated").mark.hex)
        #expect(groups[1].elements(forName: "title").first?.stringValue == "B: rank 2 (90% interval 1–6)")
        // Shapes differ by band, so colour is not the only cue.
        let shapes = groups.map { g in (g.children ?? []).compactMap { $0 as? XMLElement }.last!.name ?? "" }
        #expect(Set(shapes).count >= 3)
    }

    @Test func binsCountEveryValueOnceWithEdgesInTheUpperBin() {
        #expect(ReportCharts.bins([0, 4.99, 5, 99.9, 100, 50], width: 5, domain: 0...100) ==
            [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2])
        var rng = SeededRandom(seed: 5)
        let values = (0..<500).map { _ in rng.unit() * 100 }
        #expect(ReportCharts.bins(values, width: 5, domain: 0...100).reduce(0, +) == 500)
    }

    @Test func histogramBarHeightsFollowCountsAndMarkTheMedian() throws {
        let values = [12.0, 14, 17, 33, 34, 35, 36, 51, 52, 90]
        let doc = try SVGDoc(ReportCharts.histogram(values, width: 10, id: "h", title: "t", description: "d"))
        expectLabelled(doc, id: "h")
        let bars = doc.all("rect").filter { doc.string($0, "class") == "bar" }
        let byCount = bars.map { (Int(doc.string($0, "data-count")!)!, doc.number($0, "height")) }
        #expect(byCount.map(\.0).reduce(0, +) == values.count)
        #expect(byCount.map(\.0).sorted() == [1, 2, 3, 4])
        let unit = byCount.first { $0.0 == 1 }!.1
        for (count, height) in byCount { #expect(abs(height - Double(count) * unit) < 0.2) }
        let median = try #require(doc.all("line").first { doc.string($0, "class") == "median" })
        let xs = bars.map { doc.number($0, "x") }.sorted()
        #expect(doc.number(median, "x1") > xs[1] && doc.number(median, "x1") < xs[2], "median 34.5 between the 10–20 and 50–60 bars")
        #expect(doc.all("text").contains { $0.stringValue == "median 34.5" })
    }

    @Test func seriesLinesBreakAtMissingYearsAndLabelsDoNotOverlap() throws {
        let lines = [
            ReportCharts.SeriesLine(name: "Unit", points: [(2019, 50), (2020, nil), (2021, 60), (2022, 62)], colour: ReportPalette.seriesUnit, emphasised: true),
            ReportCharts.SeriesLine(name: "Region", points: [(2019, 48), (2020, 49), (2021, 61), (2022, 62.2)], colour: ReportPalette.seriesRegion),
            ReportCharts.SeriesLine(name: "England", points: [(2019, 50), (2020, 50), (2021, 50), (2022, 62.1)], colour: ReportPalette.seriesEngland, dashed: true),
        ]
        let doc = try SVGDoc(ReportCharts.series(lines, id: "s", title: "t", description: "d"))
        expectLabelled(doc, id: "s")
        let paths = doc.all("path").filter { doc.string($0, "class") == "line" }
        #expect(paths.count == 3)
        let unitPath = doc.string(paths[0], "d") ?? ""
        #expect(unitPath.filter { $0 == "M" }.count == 2, "the gap in 2020 breaks the unit's line: \(unitPath)")
        #expect(doc.string(paths[2], "stroke-dasharray") != nil)
        #expect(doc.all("circle").count == 3 + 4 + 4)
        let labels = doc.all("text").filter { ["Unit", "Region", "England"].contains($0.stringValue ?? "") }.map { doc.number($0, "y") }.sorted()
        #expect(labels.count == 3)
        for i in 1..<labels.count { #expect(labels[i] - labels[i - 1] >= 12.9, "labels overlap: \(labels)") }
        // Higher values are drawn higher up.
        let circles = doc.all("circle").filter { ($0.elements(forName: "title").first?.stringValue ?? "").hasPrefix("Unit ") }
        #expect(doc.number(circles[0], "cy") > doc.number(circles[2], "cy"))
    }

    @Test func niceRangesCoverTheDataWithRoundSteps() {
        var rng = SeededRandom(seed: 9)
        for _ in 0..<200 {
            let a = rng.unit() * 200 - 50, b = a + rng.unit() * 80
            let (lo, hi, step) = ReportCharts.niceRange(a, b)
            #expect(lo <= a && hi >= b && step > 0)
            #expect((hi - lo) / step <= 8.0001)
        }
    }

    @Test func signedUsesATrueMinusAndNoSignForZero() {
        #expect(ReportCharts.signed(3.14, 1) == "+3.1")
        #expect(ReportCharts.signed(-2, 1) == "−2.0")
        #expect(ReportCharts.signed(-0.01, 1) == "0.0")
    }
}

@Suite struct ReportPaletteTests {
    typealias C = ReportPalette.Colour

    @Test func contrastMatchesWCAGReferenceValues() {
        #expect(abs(C(0x000000).contrast(with: C(0xFFFFFF)) - 21) < 1e-9)
        #expect(abs(C(0x777777).contrast(with: C(0xFFFFFF)) - 4.48) < 0.01)
        #expect(abs(C(0x767676).contrast(with: C(0xFFFFFF)) - 4.54) < 0.01)
        #expect(C(0x123456).contrast(with: C(0x123456)) == 1)
    }

    /// WCAG 2.1 AA: text 4.5:1 on every background it sits on (1.4.3); chart marks and lines
    /// 3:1 against the page (1.4.11).
    @Test func everyColourMeetsWCAGAA() {
        let grounds = [ReportPalette.background, ReportPalette.panel]
        for ground in grounds {
            for (name, text) in [("text", ReportPalette.text), ("muted", ReportPalette.muted), ("link", ReportPalette.link),
                                 ("raises", ReportPalette.raises), ("lowers", ReportPalette.lowers)] {
                #expect(text.contrast(with: ground) >= 4.5, "\(name) \(text.hex) on \(ground.hex): \(text.contrast(with: ground))")
            }
        }
        for (name, mark) in [("raises", ReportPalette.raises), ("lowers", ReportPalette.lowers), ("bars", ReportPalette.bars),
                             ("axis", ReportPalette.axis), ("focus", ReportPalette.focus), ("series unit", ReportPalette.seriesUnit),
                             ("series region", ReportPalette.seriesRegion), ("series neighbours", ReportPalette.seriesNeighbours),
                             ("series England", ReportPalette.seriesEngland)] {
            #expect(mark.contrast(with: ReportPalette.background) >= 3, "\(name) \(mark.hex): \(mark.contrast(with: ReportPalette.background))")
        }
        for (name, style) in ReportPalette.bands + [("other", ReportPalette.otherBand)] {
            #expect(style.mark.contrast(with: ReportPalette.background) >= 3, "band \(name) mark")
            #expect(style.badgeText.contrast(with: style.badgeBackground) >= 4.5, "band \(name) badge text")
        }
        // Bands are told apart by shape as well as colour.
        #expect(Set(ReportPalette.bands.map(\.style.shape)).count == ReportPalette.bands.count)
    }

    /// The stylesheet names colours only through the palette's variables, and every variable it
    /// names exists, so the contrast test above covers every colour on the page.
    @Test func stylesheetUsesOnlyPaletteColours() throws {
        let css = try ScoresReport.resource("report/style.css")
        let literal = try Regex("#[0-9A-Fa-f]{3,8}\\b|rgba?\\(|hsla?\\(")
        #expect(css.firstMatch(of: literal) == nil, "a colour literal in style.css")
        let defined = Set(ReportPalette.cssVariables.matches(of: try Regex("--([a-z-]+):")).map { String($0.output[1].substring!) })
        let used = Set(css.matches(of: try Regex("var\\(--([a-z-]+)\\)")).map { String($0.output[1].substring!) })
        #expect(!used.isEmpty && used.isSubset(of: defined), "undefined: \(used.subtracting(defined))")
    }
}
