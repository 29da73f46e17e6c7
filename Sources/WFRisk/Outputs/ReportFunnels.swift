import Foundation
import WFRiskCore
import WFRiskScoring

/// Funnel plots of `report.html` (Spiegelhalter 2005): every authority's value against the
/// denominator it rests on, England's line, and the 95% and 99.8% limits around it, widened for
/// overdispersion; one per weighted indicator, nationally and in each authority's section with
/// that authority highlighted. Like every chart, each has a text alternative and its numbers in a
/// table (docs/outputs.md).
extension ReportCharts {
    /// One authority on a funnel.
    struct FunnelPoint: Sendable, Equatable {
        var label: String
        var denominator: Double
        var value: Double
    }

    /// The limits drawn: `(denominator, 95% low, 95% high, 99.8% low, 99.8% high)` on a grid.
    struct FunnelLimitsLine: Sendable, Equatable {
        var denominator: Double
        var low95: Double, high95: Double, low998: Double, high998: Double
    }

    struct FunnelLayout {
        static let width = 560.0
        static let height = 300.0
        static let left = 56.0, right = 16.0, top = 14.0, bottom = 44.0
    }

    /// A funnel's axes, limits, England's line and dots, drawn once per indicator; each chart
    /// (national, or an authority's with it highlighted) adds its own title and highlight.
    struct FunnelFrame: Sendable {
        /// Id of the drawn frame's group, which the authorities' charts reuse (`<use>`), so the
        /// report carries each indicator's dots and limits once.
        let id: String
        let body: String
        let x: @Sendable (Double) -> Double
        let y: @Sendable (Double) -> Double

        /// The plain path of `chart` (FastPaths/ChartBytes.swift), which the tests compare it with.
        func chartPlain(highlight: FunnelPoint?, reuse: Bool, id chartID: String, title: String, description: String) -> String {
            let L = FunnelLayout.self
            var out = open(id: chartID, width: L.width, height: L.height, title: title, description: description)
            out += reuse ? "<use href=\"#\(esc(id))\"/>" : "<g id=\"\(esc(id))\">" + body + "</g>"
            if let h = highlight, h.denominator > 0 {
                let px = x(h.denominator), py = y(h.value)
                out += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"6\" fill=\"\(ReportPalette.focus.hex)\" stroke=\"\(ReportPalette.text.hex)\" stroke-width=\"1.5\"/>"
                let anchorEnd = px > L.left + (L.width - L.left - L.right) * 0.7
                out += "<text x=\"\(n(anchorEnd ? px - 9 : px + 9))\" y=\"\(n(py - 8))\"\(anchorEnd ? " text-anchor=\"end\"" : "") font-size=\"12\" font-weight=\"700\" fill=\"\(ReportPalette.text.hex)\">\(esc(h.label))</text>"
            }
            return out + "</svg>"
        }
    }

    /// The frame of a funnel chart on a logarithmic denominator axis. Points are one `<path>` of
    /// round dots (a chart per section stays small).
    /// `dots` false: the axes, limits and England's line only (a page of units at scale, where
    /// every authority's dot on every page would make the pages as large as the whole report).
    static func funnelFrame(_ points: [FunnelPoint], limits: [FunnelLimitsLine], england: Double,
                            xLabel: String, yLabel: String, id: String, dots: Bool = true) -> FunnelFrame? {
        let L = FunnelLayout.self
        let xs = points.map(\.denominator).filter { $0 > 0 } + limits.map(\.denominator)
        guard let xMin = xs.min(), let xMax = xs.max() else { return nil }
        let lx0 = log10(max(0.5, xMin)), lx1 = log10(max(xMin * 1.01, xMax))
        let ys = points.map(\.value) + limits.flatMap { [$0.low998, $0.high998] } + [england]
        let (y0, y1, step) = niceRange(ys.min() ?? 0, ys.max() ?? 1)
        let pw = L.width - L.left - L.right, ph = L.height - L.top - L.bottom
        let px: @Sendable (Double) -> Double = { d in L.left + (log10(max(0.5, d)) - lx0) / max(1e-9, lx1 - lx0) * pw }
        let py: @Sendable (Double) -> Double = { v in L.top + (1 - (min(y1, max(y0, v)) - y0) / max(1e-9, y1 - y0)) * ph }
        var body = ""
        // Axes and ticks.
        body += "<line x1=\"\(n(L.left))\" y1=\"\(n(L.top + ph))\" x2=\"\(n(L.left + pw))\" y2=\"\(n(L.top + ph))\" stroke=\"\(ReportPalette.axis.hex)\"/>"
        body += "<line x1=\"\(n(L.left))\" y1=\"\(n(L.top))\" x2=\"\(n(L.left))\" y2=\"\(n(L.top + ph))\" stroke=\"\(ReportPalette.axis.hex)\"/>"
        var t = y0
        while t <= y1 + step / 2 {
            let y = py(t)
            body += "<line x1=\"\(n(L.left - 4))\" y1=\"\(n(y))\" x2=\"\(n(L.left))\" y2=\"\(n(y))\" stroke=\"\(ReportPalette.axis.hex)\"/>"
            body += "<text x=\"\(n(L.left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(trimmed(t))</text>"
            t += step
        }
        for decade in [1.0, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 1_000_000] {
            let l = log10(decade)
            guard l >= lx0 - 1e-9, l <= lx1 + 1e-9 else { continue }
            let x = px(decade)
            body += "<line x1=\"\(n(x))\" y1=\"\(n(L.top + ph))\" x2=\"\(n(x))\" y2=\"\(n(L.top + ph + 4))\" stroke=\"\(ReportPalette.axis.hex)\"/>"
            body += "<text x=\"\(n(x))\" y=\"\(n(L.top + ph + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(Int(decade))</text>"
        }
        body += "<text x=\"\(n(L.left + pw / 2))\" y=\"\(n(L.height - 6))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(esc(xLabel)) (log scale)</text>"
        body += "<text x=\"12\" y=\"\(n(L.top + ph / 2))\" transform=\"rotate(-90 12 \(n(L.top + ph / 2)))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(esc(yLabel))</text>"
        // Limits: 99.8% dashed, 95% solid; England's line.
        func line(_ key: KeyPath<FunnelLimitsLine, Double>, dashed: Bool) -> String {
            let d = limits.enumerated().map { i, l in "\(i == 0 ? "M" : "L")\(n(px(l.denominator))) \(n(py(l[keyPath: key])))" }.joined()
            return "<path d=\"\(d)\" fill=\"none\" stroke=\"\(ReportPalette.seriesRegion.hex)\" stroke-width=\"1.2\"\(dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
        }
        body += line(\.low998, dashed: true) + line(\.high998, dashed: true) + line(\.low95, dashed: false) + line(\.high95, dashed: false)
        body += "<line x1=\"\(n(L.left))\" y1=\"\(n(py(england)))\" x2=\"\(n(L.left + pw))\" y2=\"\(n(py(england)))\" stroke=\"\(ReportPalette.text.hex)\" stroke-width=\"1.2\"/>"
        body += "<text x=\"\(n(L.left + pw))\" y=\"\(n(py(england) - 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ReportPalette.text.hex)\">England \(trimmed(england))</text>"
        // Every authority as a dot.
        if dots {
            let path = points.filter { $0.denominator > 0 }.map { "M\(n(px($0.denominator))) \(n(py($0.value)))h0" }.joined()
            body += "<path class=\"dots\" d=\"\(path)\" stroke=\"\(ReportPalette.bars.hex)\" stroke-opacity=\"0.6\" stroke-width=\"5\" stroke-linecap=\"round\" fill=\"none\"/>"
        }
        return FunnelFrame(id: id, body: body, x: px, y: py)
    }

    /// The grid of denominators the limits are drawn at: `count` points spaced evenly on the log scale.
    static func funnelGrid(from low: Double, to high: Double, count: Int = 40) -> [Double] {
        let a = log10(max(0.5, low)), b = log10(max(low * 1.01, high))
        return (0..<count).map { pow(10, a + (b - a) * Double($0) / Double(count - 1)) }
    }
}

/// A funnel as the report shows it: the chart, its caption and its numbers.
struct FunnelView: Sendable {
    let id: String
    let heading: String
    let chart: String
    let caption: String
    let rows: [FunnelRow]
}

/// One authority on a funnel, in numbers: what the chart shows of it.
struct FunnelRow: Sendable {
    let name: String
    let denominator: String
    let value: String
    let limits95: String
    let limits998: String
    let position: String
}

/// One indicator's value with its intervals and how they read against England and the neighbours.
struct IntervalRow: Sendable {
    let label: String
    let value: String
    let ci95: String
    let ci998: String
    let england: String
    let vsEngland: String
    let neighbours: String
    let vsNeighbours: String
    let basedOn: String
    let reliability: String
}

extension ReportModel {
    /// A weighted indicator's funnel, drawn once and reused by every section.
    struct Funnel {
        let indicator: Indicator
        let label: Label
        let shrinkage: IndicatorShrinkage
        let england: Double
        let frame: ReportCharts.FunnelFrame
        /// The frame without the authorities' dots, drawn once on each page of units (`ReportLayout.unitPages`).
        let pageFrame: ReportCharts.FunnelFrame?
        let xLabel: String
        /// By unit code: the unit's point.
        let points: [String: ReportCharts.FunnelPoint]
        let count: Int
        let description: String
        let caption: String
    }

    /// What a funnel's x axis counts, by the indicator's denominator.
    static func denominatorName(_ i: Indicator) -> String {
        switch i {
        case .agencyRate: return "agency + in-post FTE"
        case .vacancyRate, .vacancyPressure: return "vacancies + in-post FTE"
        case .caseload: return "case-holding FTE"
        case .cinRate, .referralRate: return "children"
        default: return "FTE in post"
        }
    }

    /// A funnel for every weighted indicator with a sampling model, in indicator order.
    static func funnels(_ table: ScoreTable, labels: [Indicator: Label], layout: ReportLayout = .onePage) -> [Funnel] {
        table.shrinkage.compactMap { s in
            let i = s.indicator
            // Each unit's name and code with its result, not the unit itself: a copy of every
            // `UnitScore` per indicator was most of this function's time at 20,000 units (perf).
            let results = table.units.compactMap { u in u.result(i).map { (name: u.name, code: u.oldCode, result: $0) } }
            guard results.contains(where: { $0.result.weight > 0 }), let england = s.england else { return nil }
            let label = labels[i] ?? Label(i, words: nil)
            var points: [String: ReportCharts.FunnelPoint] = [:]
            var list: [ReportCharts.FunnelPoint] = []
            for (name, code, r) in results {
                guard let d = r.denominator, d > 0, let v = r.value else { continue }
                let p = ReportCharts.FunnelPoint(label: name, denominator: d, value: v)
                points[code] = p
                list.append(p)
            }
            guard let low = list.map(\.denominator).min(), let high = list.map(\.denominator).max() else { return nil }
            let grid = ReportCharts.funnelGrid(from: low, to: high)
            let limits: [ReportCharts.FunnelLimitsLine] = grid.compactMap { d in
                guard let a = s.funnel(denominator: d, level: .ci95), let b = s.funnel(denominator: d, level: .ci998) else { return nil }
                return .init(denominator: d, low95: a.low, high95: a.high, low998: b.low, high998: b.high)
            }
            let xLabel = denominatorName(i)
            guard let frame = ReportCharts.funnelFrame(list, limits: limits, england: england, xLabel: xLabel, yLabel: label.name,
                                                       id: "funnel-frame-\(i.rawValue)") else { return nil }
            let pageFrame = layout == .unitPages
                ? ReportCharts.funnelFrame(list, limits: limits, england: england, xLabel: xLabel, yLabel: label.name,
                                           id: "funnel-frame-\(i.rawValue)", dots: false) : nil
            var above = (0, 0), below = (0, 0)
            for p in list {
                guard let a = s.funnel(denominator: p.denominator, level: .ci95), let b = s.funnel(denominator: p.denominator, level: .ci998) else { continue }
                if p.value > a.high { above.0 += 1 }
                if p.value > b.high { above.1 += 1 }
                if p.value < a.low { below.0 += 1 }
                if p.value < b.low { below.1 += 1 }
            }
            let adjustment = s.tau2.map { "widened for overdispersion (between-authority standard deviation \(label.format($0.squareRoot())), φ = \(Decimals.format(s.phi ?? 0, 2)))" }
                ?? "not widened (no between-authority variance could be estimated: the fixed prior is used)"
            let worseSide = i.direction > 0 ? "above" : "below"
            let description = "Funnel plot of \(label.name.lowercased()) against \(xLabel) (log scale) for \(list.count) authorities. "
                + "England's value \(label.format(england)) is the horizontal line; the solid curves are the 95% limits and the dashed curves the 99.8% limits, \(adjustment). "
                + (limits.first.map { "At \(Decimals.format($0.denominator, 0)) \(xLabel) the 95% limits are \(label.format($0.low95)) to \(label.format($0.high95)); " } ?? "")
                + (limits.last.map { "at \(Decimals.format($0.denominator, 0)) they are \(label.format($0.low95)) to \(label.format($0.high95)). " } ?? "")
                + "\(above.0) authorities lie above the upper 95% limit (\(above.1) above 99.8%) and \(below.0) below the lower 95% limit (\(below.1) below 99.8%); \(worseSide) is worse. "
                + "Every authority's numbers are in the table that follows."
            let caption = "\(label.name): each dot is an authority's value against the size it rests on. Solid lines: 95% limits around England; dashed: 99.8%; \(adjustment). A dot \(worseSide) the limits is further from England than chance and the usual spread between authorities explain."
            return Funnel(indicator: i, label: label, shrinkage: s, england: england, frame: frame, pageFrame: pageFrame, xLabel: xLabel, points: points,
                          count: list.count, description: description, caption: caption)
        }
    }

    /// A unit's row on a funnel: its numbers and where it lies against the limits at its size.
    static func funnelRow(_ f: Funnel, name: String, point p: ReportCharts.FunnelPoint) -> FunnelRow {
        let a = f.shrinkage.funnel(denominator: p.denominator, level: .ci95), b = f.shrinkage.funnel(denominator: p.denominator, level: .ci998)
        var position = "inside the 95% limits"
        if let a, let b {
            if p.value > b.high { position = "above the 99.8% limit" } else if p.value > a.high { position = "above the 95% limit" }
            if p.value < b.low { position = "below the 99.8% limit" } else if p.value < a.low { position = "below the 95% limit" }
        }
        if position != "inside the 95% limits" { position += (f.indicator.direction > 0) == position.hasPrefix("above") ? " (worse)" : " (better)" }
        return FunnelRow(name: name, denominator: Decimals.format(p.denominator, 1), value: f.label.format(p.value),
                         limits95: a.map { "\(f.label.format($0.low))–\(f.label.format($0.high))" } ?? "–",
                         limits998: b.map { "\(f.label.format($0.low))–\(f.label.format($0.high))" } ?? "–", position: position)
    }

    /// The national view's funnels, every authority in the table.
    static func nationalFunnels(_ funnels: [Funnel], table: ScoreTable) -> [FunnelView] {
        funnels.map { f in
            let rows = table.units.compactMap { u in f.points[u.oldCode].map { funnelRow(f, name: u.name, point: $0) } }
            return FunnelView(id: "funnel-\(f.indicator.rawValue)", heading: f.label.name,
                              chart: f.frame.chart(highlight: nil, reuse: false, id: "chart-funnel-\(f.indicator.rawValue)",
                                                   title: "\(f.label.name) against \(f.xLabel), \(table.year)", description: f.description),
                              caption: f.caption, rows: rows)
        }
    }

    /// An authority's funnels, it highlighted, with its own row of numbers.
    /// On a page of units (`layout` `.unitPages`) the frame is drawn without the other
    /// authorities' dots (the national view's funnel has them), in full by the page's first unit
    /// with that funnel (`framesDrawn` does not hold it yet; it is added) and reused by the rest.
    static func unitFunnels(_ funnels: [Funnel], unit u: UnitScore, anchor id: String, layout: ReportLayout = .onePage,
                            framesDrawn: inout Set<Indicator>) -> [FunnelView] {
        funnels.compactMap { f in
            guard let p = f.points[u.oldCode] else { return nil }
            let row = funnelRow(f, name: u.name, point: p)
            let description = "Funnel plot of \(f.label.name.lowercased()) against \(f.xLabel) (log scale) for \(f.count) authorities, "
                + "\(u.name) highlighted at \(row.value) on \(row.denominator) \(f.xLabel), \(row.position) "
                + "(95% limits at its size \(row.limits95), 99.8% \(row.limits998); England \(f.label.format(f.england))). "
                + "The national view describes the whole funnel and lists every authority; this authority's numbers are in the table that follows."
            let own = layout == .unitPages ? f.pageFrame : nil
            let caption = own == nil ? f.caption
                : "\(f.label.name): this authority's value (the marked dot) against the size it rests on. Solid lines: 95% limits around England; dashed: 99.8%. The funnel on the national view (report.html) shows every authority's dot."
            return FunnelView(id: "\(id)-funnel-\(f.indicator.rawValue)", heading: f.label.name,
                              chart: (own ?? f.frame).chart(highlight: p, reuse: own == nil || !framesDrawn.insert(f.indicator).inserted, id: "\(id)-funnel-\(f.indicator.rawValue)-chart",
                                                            title: "\(u.name) on the funnel of \(f.label.name.lowercased())", description: description),
                              caption: caption, rows: [row])
        }
    }

    /// Each indicator's intervals and readings for a unit's section.
    static func intervalRows(_ u: UnitScore, labels: [Indicator: Label], context: IndicatorsCSV.Context) -> [IntervalRow] {
        (u.instability.indicators + u.caseloadRisk.indicators).map { r in
            let label = labels[r.indicator] ?? Label(r.indicator, words: nil)
            let line = context.line(u, r)
            func interval(_ c: ConfidenceInterval?) -> String { c.map { "\(label.format($0.low))–\(label.format($0.high))" } ?? "–" }
            return IntervalRow(label: label.label, value: label.format(r.value), ci95: interval(r.ci95), ci998: interval(r.ci998),
                               england: label.format(line.england), vsEngland: reading(r.vsEngland, r.vsEngland998, r.indicator),
                               neighbours: label.format(line.neighbourMedian), vsNeighbours: reading(line.vsNeighbours, line.vsNeighbours998, r.indicator),
                               basedOn: r.denominator.map { Decimals.format($0, 1) + " " + denominatorName(r.indicator) } ?? "–",
                               reliability: r.reliability.map { Decimals.format($0 * 100, 0) + "%" } ?? "–")
        }
    }

    /// "higher (worse), also at 99.8%": the 95% reading in words with the indicator's polarity, the 99.8% reading beside it.
    static func reading(_ s: Significance?, _ s998: Significance?, _ i: Indicator) -> String {
        guard let s else { return "–" }
        guard s != .similar else { return "similar" }
        let worse = s.isWorse(direction: i.direction)
        return "significantly \(s.rawValue) (\(worse ? "worse" : "better")), \(s998 == s ? "also" : "not") at 99.8%"
    }
}
