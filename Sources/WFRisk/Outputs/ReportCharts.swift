import Foundation
import WFRiskCore
import WFRiskInspections

/// The SVG charts of `report.html`: small pure functions from numbers to markup. Each chart
/// carries its own `<title>` and `<desc>` (the text alternative) and is drawn only with
/// `ReportPalette` colours; every number it shows is also in a table beside it.
enum ReportCharts {
    /// Marker shapes, so bands differ by more than colour.
    enum Shape: String, Sendable, CaseIterable {
        case circle, diamond, square, triangle

        /// The marker centred on (x, y), about 2r across.
        func element(x: Double, y: Double, r: Double, fill: ReportPalette.Colour) -> String {
            switch self {
            case .circle:
                return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(fill.hex)\"/>"
            case .square:
                let s = r * 0.9
                return "<rect x=\"\(n(x - s))\" y=\"\(n(y - s))\" width=\"\(n(2 * s))\" height=\"\(n(2 * s))\" fill=\"\(fill.hex)\"/>"
            case .diamond:
                let s = r * 1.25
                return "<path d=\"M\(n(x)) \(n(y - s))L\(n(x + s)) \(n(y))L\(n(x)) \(n(y + s))L\(n(x - s)) \(n(y))Z\" fill=\"\(fill.hex)\"/>"
            case .triangle:
                let s = r * 1.2
                return "<path d=\"M\(n(x)) \(n(y - s))L\(n(x + s)) \(n(y + s * 0.8))L\(n(x - s)) \(n(y + s * 0.8))Z\" fill=\"\(fill.hex)\"/>"
            }
        }
    }

    /// A small legend key for a band: its shape in its colour.
    static func swatch(_ band: String?) -> String {
        let style = ReportPalette.band(band)
        return "<svg class=\"swatch\" width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" aria-hidden=\"true\" focusable=\"false\">"
            + style.shape.element(x: 6, y: 6, r: 4.5, fill: style.mark) + "</svg>"
    }

    // MARK: Contributions

    /// One indicator's points in a score; `points` nil when it adds none, and `blank` says why:
    /// it has no value, or it has one that carries no weight (or whose score is not computed).
    struct Contribution: Sendable, Equatable {
        var group: String
        var label: String
        var points: Double?
        var blank: Blank

        enum Blank: String, Sendable {
            case noValue = "no value"
            case weightZero = "weight 0"
            case notScored = "score not computed"
        }

        init(group: String, label: String, points: Double?, blank: Blank = .noValue) {
            self.group = group
            self.label = label
            self.points = points
            self.blank = blank
        }
    }

    struct Layout {
        static let contributionWidth = 760.0
        static let contributionLabelWidth = 250.0
        static let contributionValueWidth = 60.0
        static let contributionRow = 22.0
    }

    /// Where a contributions chart puts each item (`contributions` and `contributionsPlain`
    /// alike): the zero line, the points to width, and down the chart each item's group heading
    /// (when a new group starts), the middle of its row and its bar's left edge and length.
    struct ContributionRows {
        struct Row {
            var item: Contribution
            /// The y of the group's heading when this item starts a group.
            var groupY: Double?
            var mid: Double
            var barX: Double = 0, barLength: Double = 0
        }
        let width = Layout.contributionWidth
        let x0 = Layout.contributionLabelWidth + 8
        let zero: Double, scale: Double
        private(set) var rows: [Row] = []
        private(set) var plotBottom = 0.0

        init(_ items: [Contribution], limit: Double) {
            let x1 = width - Layout.contributionValueWidth
            zero = (x0 + x1) / 2
            scale = (x1 - x0) / 2 / max(limit, 0.01)
            let row = Layout.contributionRow
            var y = 6.0
            var group: String?
            for item in items {
                var groupY: Double?
                if item.group != group {
                    group = item.group
                    y += group == items.first?.group ? 0 : 8
                    groupY = y + 15
                    y += row
                }
                var r = Row(item: item, groupY: groupY, mid: y + row / 2)
                if let p = item.points {
                    let clamped = min(max(p, -limit), limit)
                    r.barLength = abs(clamped) * scale
                    r.barX = clamped >= 0 ? zero : zero - r.barLength
                }
                rows.append(r)
                y += row
            }
            plotBottom = y + 2
        }
    }

    /// The plain path of `contributions` (FastPaths/ChartBytes.swift), which the tests compare it with.
    static func contributionsPlain(_ items: [Contribution], limit: Double, id: String, title: String, description: String) -> String {
        let layout = ContributionRows(items, limit: limit)
        let (w, x0, zero, scale, plotBottom) = (layout.width, layout.x0, layout.zero, layout.scale, layout.plotBottom)
        var body = ""
        for r in layout.rows {
            let item = r.item, mid = r.mid
            if let gy = r.groupY {
                body += "<text x=\"0\" y=\"\(n(gy))\" font-size=\"13\" font-weight=\"700\" fill=\"\(ReportPalette.text.hex)\">\(esc(item.group))</text>"
            }
            let labelColour = item.points == nil ? ReportPalette.muted : ReportPalette.text
            body += "<text x=\"\(n(x0 - 8))\" y=\"\(n(mid + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"\(labelColour.hex)\">\(esc(item.label))</text>"
            if let p = item.points {
                let colour = p >= 0 ? ReportPalette.raises : ReportPalette.lowers
                body += "<rect class=\"bar\" x=\"\(n(r.barX))\" y=\"\(n(mid - 7))\" width=\"\(n(r.barLength))\" height=\"14\" fill=\"\(colour.hex)\" data-points=\"\(Decimals.format(p, 2))\"/>"
                body += "<text x=\"\(n(w))\" y=\"\(n(mid + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"\(ReportPalette.text.hex)\">\(signed(p, 1))</text>"
            } else {
                body += "<text x=\"\(n(w))\" y=\"\(n(mid + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"\(ReportPalette.muted.hex)\">\(item.blank.rawValue)</text>"
            }
        }
        var axis = "<line x1=\"\(n(zero))\" y1=\"6\" x2=\"\(n(zero))\" y2=\"\(n(plotBottom))\" stroke=\"\(ReportPalette.axis.hex)\" stroke-width=\"1\"/>"
        for t in [-limit, -limit / 2, 0, limit / 2, limit] {
            let x = zero + t * scale
            axis += "<line x1=\"\(n(x))\" y1=\"\(n(plotBottom))\" x2=\"\(n(x))\" y2=\"\(n(plotBottom + 4))\" stroke=\"\(ReportPalette.axis.hex)\"/>"
            axis += "<text x=\"\(n(x))\" y=\"\(n(plotBottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(t == 0 ? "0" : signed(t, 0))</text>"
        }
        axis += "<text x=\"\(n(zero - 6))\" y=\"\(n(plotBottom + 32))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">◀ lowers the score</text>"
        axis += "<text x=\"\(n(zero + 6))\" y=\"\(n(plotBottom + 32))\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">raises the score ▶</text>"
        return open(id: id, width: w, height: plotBottom + 40, title: title, description: description) + body + axis + "</svg>"
    }

    // MARK: Rank intervals

    struct RankPoint: Sendable, Equatable {
        var label: String
        var rank: Int
        var low: Int?
        var high: Int?
        var band: String?

        init(label: String, rank: Int, low: Int? = nil, high: Int? = nil, band: String?) {
            self.label = label
            self.rank = rank
            self.low = low
            self.high = high
            self.band = band
        }
    }

    /// Every unit in rank order along x, its rank down y (1 at the top), a vertical line for its
    /// interval when it has one, and a marker in its band's colour and shape.
    static func rankIntervals(_ points: [RankPoint], total: Int, id: String, title: String, description: String) -> String {
        let w = 1000.0, h = 330.0, left = 52.0, right = 10.0, top = 12.0, bottom = 44.0
        let plotW = w - left - right, plotH = h - top - bottom
        let count = max(points.count, 1)
        let step = plotW / Double(count)
        let span = Double(max(total - 1, 1))
        func y(_ rank: Int) -> Double { top + Double(rank - 1) / span * plotH }
        var svg = open(id: id, width: w, height: h, title: title, description: description)
        for t in rankTicks(total) {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(t)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(t)))\" stroke=\"\(ReportPalette.rule.hex)\" stroke-width=\"0.75\"/>"
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(t)</text>"
        }
        let ordered = points.sorted { ($0.rank, $0.label) < ($1.rank, $1.label) }
        for (i, p) in ordered.enumerated() {
            let x = left + (Double(i) + 0.5) * step
            let style = ReportPalette.band(p.band)
            var interval = ""
            svg += "<g class=\"unit\"><title>\(esc(p.label)): rank \(p.rank)"
            if let lo = p.low, let hi = p.high {
                svg += " (90% interval \(lo)–\(hi))"
                interval = "<line x1=\"\(n(x))\" y1=\"\(n(y(lo)))\" x2=\"\(n(x))\" y2=\"\(n(y(hi)))\" stroke=\"\(style.mark.hex)\" stroke-width=\"\(n(min(2, max(0.75, step * 0.45))))\"/>"
            }
            svg += "</title>" + interval + style.shape.element(x: x, y: y(p.rank), r: min(3.2, max(1.6, step * 0.5)), fill: style.mark) + "</g>"
        }
        svg += "<line x1=\"\(n(left))\" y1=\"\(n(top + plotH + 6))\" x2=\"\(n(w - right))\" y2=\"\(n(top + plotH + 6))\" stroke=\"\(ReportPalette.axis.hex)\"/>"
        svg += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(h - 8))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(ReportPalette.muted.hex)\">Authorities in order of overall rank (left: highest risk)</text>"
        svg += "<text transform=\"translate(14 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(ReportPalette.muted.hex)\">Overall rank</text>"
        return svg + "</svg>"
    }

    static func rankTicks(_ total: Int) -> [Int] {
        guard total > 1 else { return [1] }
        // Up to 500 units (the one page's range, `settings.report.unit_pages_above`) every 5, 10 or
        // 25 ranks, as always; beyond, the first of 50, 100, 250, 500, 1000 … that keeps ten or so.
        var step = total > 100 ? 25 : (total > 40 ? 10 : 5)
        if total > 500 {
            step = 50
            var k = 0
            while total / step > 10 { step = [100, 250, 500][k % 3] * Int(pow(10, Double(k / 3))); k += 1 }
        }
        var ticks = [1]
        var t = step
        while t < total {
            if total - t >= step / 2 { ticks.append(t) }
            t += step
        }
        return ticks + [total]
    }

    // MARK: Distribution

    /// Counts of `values` in bins of `width` over `domain` (the last bin includes the top edge).
    static func bins(_ values: [Double], width: Double, domain: ClosedRange<Double>) -> [Int] {
        let count = Int(((domain.upperBound - domain.lowerBound) / width).rounded(.up))
        var out = [Int](repeating: 0, count: max(count, 1))
        for v in values where v.isFinite {
            let i = Int(((min(max(v, domain.lowerBound), domain.upperBound) - domain.lowerBound) / width).rounded(.down))
            out[min(i, out.count - 1)] += 1
        }
        return out
    }

    /// A histogram of 0–100 scores in bins of `width`, with the median marked.
    static func histogram(_ values: [Double], width binWidth: Double, id: String, title: String, description: String) -> String {
        let domain = 0.0...100.0
        let counts = bins(values, width: binWidth, domain: domain)
        let w = 330.0, h = 200.0, left = 34.0, right = 10.0, top = 12.0, bottom = 36.0
        let plotW = w - left - right, plotH = h - top - bottom
        let (_, rawMax, rawStep) = niceRange(0, Double(max(counts.max() ?? 1, 1)))
        let yStep = max(1, rawStep.rounded(.up)), yMax = (rawMax / yStep).rounded(.up) * yStep
        func x(_ v: Double) -> Double { left + (v - domain.lowerBound) / (domain.upperBound - domain.lowerBound) * plotW }
        func y(_ c: Double) -> Double { top + plotH - c / yMax * plotH }
        var svg = open(id: id, width: w, height: h, title: title, description: description)
        for t in stride(from: 0, through: yMax + yStep / 2, by: yStep) {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(t)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(t)))\" stroke=\"\(ReportPalette.rule.hex)\" stroke-width=\"0.75\"/>"
            svg += "<text x=\"\(n(left - 5))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(Decimals.format(t, 0))</text>"
        }
        for (i, c) in counts.enumerated() where c > 0 {
            let lo = domain.lowerBound + Double(i) * binWidth
            svg += "<rect class=\"bar\" x=\"\(n(x(lo) + 0.5))\" y=\"\(n(y(Double(c))))\" width=\"\(n(x(lo + binWidth) - x(lo) - 1))\" height=\"\(n(y(0) - y(Double(c))))\" fill=\"\(ReportPalette.bars.hex)\" data-count=\"\(c)\"><title>\(Decimals.format(lo, 0))–\(Decimals.format(lo + binWidth, 0)): \(c)</title></rect>"
        }
        for t in stride(from: 0.0, through: 100.0, by: 25.0) {
            svg += "<text x=\"\(n(x(t)))\" y=\"\(n(top + plotH + 15))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(Decimals.format(t, 0))</text>"
        }
        svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(0)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(0)))\" stroke=\"\(ReportPalette.axis.hex)\"/>"
        if let m = median(values) {
            svg += "<line class=\"median\" x1=\"\(n(x(m)))\" y1=\"\(n(top))\" x2=\"\(n(x(m)))\" y2=\"\(n(y(0)))\" stroke=\"\(ReportPalette.text.hex)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
            let anchor = m > 70 ? "end" : "start"
            svg += "<text x=\"\(n(x(m) + (m > 70 ? -4 : 4)))\" y=\"\(n(top + 10))\" text-anchor=\"\(anchor)\" font-size=\"11\" fill=\"\(ReportPalette.text.hex)\">median \(Decimals.format(m, 1))</text>"
        }
        svg += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(h - 4))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">score (0–100, higher = more risk)</text>"
        return svg + "</svg>"
    }

    // MARK: Series

    struct SeriesLine: Sendable {
        var name: String
        var points: [(year: Int, value: Double?)]
        var colour: ReportPalette.Colour
        var dashed: Bool
        var emphasised: Bool

        init(name: String, points: [(year: Int, value: Double?)], colour: ReportPalette.Colour, dashed: Bool = false, emphasised: Bool = false) {
            self.name = name
            self.points = points
            self.colour = colour
            self.dashed = dashed
            self.emphasised = emphasised
        }
    }

    /// Where a series chart puts its years (x) and values (y): `series` and `seriesPlain` alike.
    struct SeriesFrame {
        static let w = 560.0, h = 240.0, left = 40.0, right = 150.0, top = 14.0, bottom = 30.0
        let plotW = w - left - right, plotH = h - top - bottom
        let years: [Int]
        let firstYear: Int, lastYear: Int
        let lo: Double, hi: Double, tickStep: Double

        init(_ lines: [SeriesLine]) {
            years = lines.flatMap { $0.points.map(\.year) }
            let values = lines.flatMap { $0.points.compactMap(\.value) }
            firstYear = years.min() ?? 0
            lastYear = years.max() ?? 0
            (lo, hi, tickStep) = niceRange(values.min() ?? 0, values.max() ?? 1)
        }

        func x(_ year: Int) -> Double {
            let left = Self.left
            return lastYear == firstYear ? left + plotW / 2 : left + Double(year - firstYear) / Double(lastYear - firstYear) * plotW
        }

        func y(_ v: Double) -> Double { Self.top + plotH - (v - lo) / (hi - lo) * plotH }

        /// The lines' names at the right, in order down the chart, pushed apart so they never
        /// overlap: each with the y its text sits on.
        static func placed(_ labels: [(y: Double, text: String, colour: ReportPalette.Colour)])
            -> [((y: Double, text: String, colour: ReportPalette.Colour), Double)] {
            var out: [((y: Double, text: String, colour: ReportPalette.Colour), Double)] = []
            for l in labels.sorted(by: { $0.y < $1.y }) {
                var ly = max(l.y + 4, top + 8)
                if let prev = out.last?.1, ly < prev + 13 { ly = prev + 13 }
                out.append((l, ly))
            }
            return out
        }
    }

    /// The plain path of `series` (FastPaths/ChartBytes.swift), which the tests compare it with.
    static func seriesPlain(_ lines: [SeriesLine], id: String, title: String, description: String) -> String {
        let frame = SeriesFrame(lines)
        let (w, h, left, top, plotW, plotH) = (SeriesFrame.w, SeriesFrame.h, SeriesFrame.left, SeriesFrame.top, frame.plotW, frame.plotH)
        let (years, firstYear, lastYear, lo, hi, tickStep) = (frame.years, frame.firstYear, frame.lastYear, frame.lo, frame.hi, frame.tickStep)
        let x = frame.x, y = frame.y
        var svg = open(id: id, width: w, height: h, title: title, description: description)
        for t in stride(from: lo, through: hi + tickStep / 2, by: tickStep) {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(t)))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y(t)))\" stroke=\"\(ReportPalette.rule.hex)\" stroke-width=\"0.75\"/>"
            svg += "<text x=\"\(n(left - 5))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(trimmed(t))</text>"
        }
        if firstYear <= lastYear, !years.isEmpty {
            for year in firstYear...lastYear {
                svg += "<text x=\"\(n(x(year)))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ReportPalette.muted.hex)\">\(year)</text>"
            }
        }
        var labels: [(y: Double, text: String, colour: ReportPalette.Colour)] = []
        for line in lines {
            let sorted = line.points.sorted { $0.year < $1.year }
            var path = ""
            var previousYear: Int?
            for p in sorted {
                guard let v = p.value else { previousYear = nil; continue }
                path += (previousYear == nil ? "M" : "L") + "\(n(x(p.year))) \(n(y(v)))"
                previousYear = p.year
            }
            let width = line.emphasised ? 2.75 : 1.75
            if !path.isEmpty {
                svg += "<path class=\"line\" d=\"\(path)\" fill=\"none\" stroke=\"\(line.colour.hex)\" stroke-width=\"\(n(width))\""
                    + (line.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>"
            }
            let name = esc(line.name)
            for p in sorted {
                guard let v = p.value else { continue }
                svg += "<circle cx=\"\(n(x(p.year)))\" cy=\"\(n(y(v)))\" r=\"\(line.emphasised ? 3.5 : 2.5)\" fill=\"\(line.colour.hex)\"><title>\(name) \(p.year): \(trimmed(v))</title></circle>"
            }
            if let last = sorted.last(where: { $0.value != nil }), let v = last.value {
                labels.append((y(v), line.name, line.colour))
            }
        }
        for (l, ly) in SeriesFrame.placed(labels) {
            svg += "<text x=\"\(n(left + plotW + 8))\" y=\"\(n(ly))\" font-size=\"12\" fill=\"\(l.colour.hex)\">\(esc(l.text))</text>"
        }
        return svg + "</svg>"
    }

    // MARK: Helpers

    static func open(id: String, width: Double, height: Double, title: String, description: String) -> String {
        let id = esc(id)
        return "<svg id=\"\(id)\" class=\"chart\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"inherit\">"
            + "<title id=\"\(id)-title\">\(esc(title))</title><desc id=\"\(id)-desc\">\(esc(description))</desc>"
    }

    /// Coordinates with at most one decimal (smaller files, same picture).
    static func n(_ v: Double) -> String { Decimals.compact(v, 1) }

    /// A value with at most one decimal ("42", "42.5"): written as coordinates are.
    static func trimmed(_ v: Double) -> String { n(v) }

    /// "+8.1", "−2.0" (a true minus sign).
    static func signed(_ v: Double, _ decimals: Int) -> String {
        let s = Decimals.format(abs(v), decimals)
        if Decimals.round(v, decimals) == 0 { return s }
        return (v > 0 ? "+" : "−") + s
    }

    /// Text escaped for SVG (the five XML specials), by the templates' own byte escape
    /// (`ReportTemplate.escape`). Why over bytes, beside `plainEsc` (the scalar loop the tests
    /// compare it with): charts escape every label, and many hold an apostrophe ("Children's",
    /// "King's Lynn"); appending scalar by scalar to a `String` was two-fifths of the charts' time
    /// on the national report (perf). UTF-8 never uses an ASCII byte inside a longer character,
    /// so replacing bytes gives the same text.
    static func esc(_ s: String) -> String {
        // Most labels have nothing to escape: returned as they are (the same string the loop builds).
        // Scanned as one buffer: `utf8.contains(where:)` called a closure per byte, a twentieth of
        // the 100x unit pages' model (perf, docs/performance.md "Issue 25, session 23").
        var text = s
        let special = text.withUTF8 { bytes in
            bytes.contains { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
                || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
        }
        guard special else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        ReportTemplate.escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The plain path of `esc`: scalar by scalar.
    static func plainEsc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func median(_ values: [Double]) -> Double? {
        let v = values.filter(\.isFinite).sorted()
        guard !v.isEmpty else { return nil }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }

    /// A padded axis range with round ticks covering [min, max].
    static func niceRange(_ minimum: Double, _ maximum: Double) -> (Double, Double, Double) {
        var lo = minimum, hi = maximum
        if hi - lo < 1e-9 { lo -= 1; hi += 1 }
        let raw = (hi - lo) / 4
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return ((lo / step).rounded(.down) * step, (hi / step).rounded(.up) * step, step)
    }
}
