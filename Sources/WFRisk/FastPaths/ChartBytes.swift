import WFRiskCore

/// The charts every unit's section draws (its series, its contributions, its funnels), written
/// straight into bytes.
///
/// Why not `ReportCharts.seriesPlain`, `contributionsPlain` and `FunnelFrame.chartPlain` (the
/// plain paths, kept, which `ReportChartTests` compares these with byte for byte over random
/// lines, bars and points): they build the markup by string interpolation, a string made for
/// every coordinate and joined piece by piece. At 100x (20,000 unit sections) the series chart
/// was two fifths and the contributions chart a quarter of building the unit views, together
/// about 1.3 s of CPU in the default run, the funnels' charts another 0.34 s (perf,
/// docs/performance.md "Issue 25, session 26"). Here each piece of markup is a literal copied in
/// and each number's digits are written where they go (`Decimals.appendCompact`), with the same
/// escaping (`ReportTemplate.escape`), the same layout (`SeriesFrame`, `ContributionRows`) and
/// the same arithmetic.
extension ReportCharts {
    /// Markup appended as bytes.
    struct SVGBytes {
        var bytes: [UInt8] = []

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func lit(_ s: StaticString) { s.withUTF8Buffer { bytes.append(contentsOf: $0) } }
        /// A coordinate or value as `ReportCharts.n` writes it.
        mutating func n(_ v: Double) { Decimals.appendCompact(v, 1, to: &bytes) }
        mutating func text(_ s: String) {
            var s = s
            s.withUTF8 { bytes.append(contentsOf: $0) }
        }
        /// Text escaped as `ReportCharts.esc` escapes it.
        mutating func esc(_ s: String) { ReportTemplate.escape(s, into: &bytes) }
        mutating func append(_ other: SVGBytes) { bytes.append(contentsOf: other.bytes) }
        /// A chart's opening tag, title and description, as `ReportCharts.open` writes them.
        mutating func open(id: String, width: Double, height: Double, title: String, description: String) {
            lit("<svg id=\""); esc(id); lit("\" class=\"chart\" role=\"img\" aria-labelledby=\""); esc(id); lit("-title "); esc(id)
            lit("-desc\" width=\""); n(width); lit("\" height=\""); n(height); lit("\" viewBox=\"0 0 "); n(width); lit(" "); n(height)
            lit("\" font-family=\"inherit\"><title id=\""); esc(id); lit("-title\">"); esc(title); lit("</title><desc id=\"")
            esc(id); lit("-desc\">"); esc(description); lit("</desc>")
        }
        var string: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Lines over years, broken where a year has no value, each named at its last point.
    static func series(_ lines: [SeriesLine], id: String, title: String, description: String) -> String {
        let frame = SeriesFrame(lines)
        let (w, h, left, top, plotW, plotH) = (SeriesFrame.w, SeriesFrame.h, SeriesFrame.left, SeriesFrame.top, frame.plotW, frame.plotH)
        let (years, firstYear, lastYear, lo, hi, tickStep) = (frame.years, frame.firstYear, frame.lastYear, frame.lo, frame.hi, frame.tickStep)
        let x = frame.x, y = frame.y
        var svg = SVGBytes(capacity: 8192)
        svg.open(id: id, width: w, height: h, title: title, description: description)
        for t in stride(from: lo, through: hi + tickStep / 2, by: tickStep) {
            svg.lit("<line x1=\""); svg.n(left); svg.lit("\" y1=\""); svg.n(y(t)); svg.lit("\" x2=\""); svg.n(left + plotW)
            svg.lit("\" y2=\""); svg.n(y(t)); svg.lit("\" stroke=\""); svg.text(ReportPalette.rule.hex); svg.lit("\" stroke-width=\"0.75\"/>")
            svg.lit("<text x=\""); svg.n(left - 5); svg.lit("\" y=\""); svg.n(y(t) + 4)
            svg.lit("\" text-anchor=\"end\" font-size=\"11\" fill=\""); svg.text(ReportPalette.muted.hex); svg.lit("\">"); svg.n(t); svg.lit("</text>")
        }
        if firstYear <= lastYear, !years.isEmpty {
            for year in firstYear...lastYear {
                svg.lit("<text x=\""); svg.n(x(year)); svg.lit("\" y=\""); svg.n(top + plotH + 16)
                svg.lit("\" text-anchor=\"middle\" font-size=\"11\" fill=\""); svg.text(ReportPalette.muted.hex); svg.lit("\">")
                svg.text(String(year)); svg.lit("</text>")
            }
        }
        var labels: [(y: Double, text: String, colour: ReportPalette.Colour)] = []
        for line in lines {
            let sorted = line.points.sorted { $0.year < $1.year }
            var path = SVGBytes(capacity: 256)
            var previousYear: Int?
            for p in sorted {
                guard let v = p.value else { previousYear = nil; continue }
                if previousYear == nil { path.lit("M") } else { path.lit("L") }
                path.n(x(p.year)); path.lit(" "); path.n(y(v))
                previousYear = p.year
            }
            let width = line.emphasised ? 2.75 : 1.75
            if !path.bytes.isEmpty {
                svg.lit("<path class=\"line\" d=\""); svg.append(path); svg.lit("\" fill=\"none\" stroke=\""); svg.text(line.colour.hex)
                svg.lit("\" stroke-width=\""); svg.n(width); svg.lit("\"")
                if line.dashed { svg.lit(" stroke-dasharray=\"5 3\"") }
                svg.lit("/>")
            }
            for p in sorted {
                guard let v = p.value else { continue }
                svg.lit("<circle cx=\""); svg.n(x(p.year)); svg.lit("\" cy=\""); svg.n(y(v)); svg.lit("\" r=\"")
                if line.emphasised { svg.lit("3.5") } else { svg.lit("2.5") }
                svg.lit("\" fill=\""); svg.text(line.colour.hex); svg.lit("\"><title>"); svg.esc(line.name); svg.lit(" ")
                svg.text(String(p.year)); svg.lit(": "); svg.n(v); svg.lit("</title></circle>")
            }
            if let last = sorted.last(where: { $0.value != nil }), let v = last.value {
                labels.append((y(v), line.name, line.colour))
            }
        }
        for (l, ly) in SeriesFrame.placed(labels) {
            svg.lit("<text x=\""); svg.n(left + plotW + 8); svg.lit("\" y=\""); svg.n(ly); svg.lit("\" font-size=\"12\" fill=\"")
            svg.text(l.colour.hex); svg.lit("\">"); svg.esc(l.text); svg.lit("</text>")
        }
        svg.lit("</svg>")
        return svg.string
    }

    /// Horizontal bars from a zero line: right (raises the score) or left (lowers it), in
    /// groups. `limit` is the points at the plot's edge, the same for every unit so charts compare.
    static func contributions(_ items: [Contribution], limit: Double, id: String, title: String, description: String) -> String {
        let layout = ContributionRows(items, limit: limit)
        let (w, x0, zero, scale, plotBottom) = (layout.width, layout.x0, layout.zero, layout.scale, layout.plotBottom)
        var body = SVGBytes(capacity: 6144)
        for r in layout.rows {
            let item = r.item, mid = r.mid
            if let gy = r.groupY {
                body.lit("<text x=\"0\" y=\""); body.n(gy); body.lit("\" font-size=\"13\" font-weight=\"700\" fill=\"")
                body.text(ReportPalette.text.hex); body.lit("\">"); body.esc(item.group); body.lit("</text>")
            }
            let labelColour = item.points == nil ? ReportPalette.muted : ReportPalette.text
            body.lit("<text x=\""); body.n(x0 - 8); body.lit("\" y=\""); body.n(mid + 4); body.lit("\" text-anchor=\"end\" font-size=\"12\" fill=\"")
            body.text(labelColour.hex); body.lit("\">"); body.esc(item.label); body.lit("</text>")
            if let p = item.points {
                let colour = p >= 0 ? ReportPalette.raises : ReportPalette.lowers
                body.lit("<rect class=\"bar\" x=\""); body.n(r.barX); body.lit("\" y=\""); body.n(mid - 7); body.lit("\" width=\""); body.n(r.barLength)
                body.lit("\" height=\"14\" fill=\""); body.text(colour.hex); body.lit("\" data-points=\"")
                Decimals.append(p, 2, to: &body.bytes); body.lit("\"/>")
                body.lit("<text x=\""); body.n(w); body.lit("\" y=\""); body.n(mid + 4); body.lit("\" text-anchor=\"end\" font-size=\"12\" fill=\"")
                body.text(ReportPalette.text.hex); body.lit("\">"); body.text(signed(p, 1)); body.lit("</text>")
            } else {
                body.lit("<text x=\""); body.n(w); body.lit("\" y=\""); body.n(mid + 4); body.lit("\" text-anchor=\"end\" font-size=\"12\" fill=\"")
                body.text(ReportPalette.muted.hex); body.lit("\">"); body.text(item.blank.rawValue); body.lit("</text>")
            }
        }
        var svg = SVGBytes(capacity: body.bytes.count + 2048)
        svg.open(id: id, width: w, height: plotBottom + 40, title: title, description: description)
        svg.append(body)
        svg.lit("<line x1=\""); svg.n(zero); svg.lit("\" y1=\"6\" x2=\""); svg.n(zero); svg.lit("\" y2=\""); svg.n(plotBottom)
        svg.lit("\" stroke=\""); svg.text(ReportPalette.axis.hex); svg.lit("\" stroke-width=\"1\"/>")
        for t in [-limit, -limit / 2, 0, limit / 2, limit] {
            let x = zero + t * scale
            svg.lit("<line x1=\""); svg.n(x); svg.lit("\" y1=\""); svg.n(plotBottom); svg.lit("\" x2=\""); svg.n(x); svg.lit("\" y2=\"")
            svg.n(plotBottom + 4); svg.lit("\" stroke=\""); svg.text(ReportPalette.axis.hex); svg.lit("\"/>")
            svg.lit("<text x=\""); svg.n(x); svg.lit("\" y=\""); svg.n(plotBottom + 16); svg.lit("\" text-anchor=\"middle\" font-size=\"11\" fill=\"")
            svg.text(ReportPalette.muted.hex); svg.lit("\">")
            if t == 0 { svg.lit("0") } else { svg.text(signed(t, 0)) }
            svg.lit("</text>")
        }
        svg.lit("<text x=\""); svg.n(zero - 6); svg.lit("\" y=\""); svg.n(plotBottom + 32); svg.lit("\" text-anchor=\"end\" font-size=\"11\" fill=\"")
        svg.text(ReportPalette.muted.hex); svg.lit("\">◀ lowers the score</text>")
        svg.lit("<text x=\""); svg.n(zero + 6); svg.lit("\" y=\""); svg.n(plotBottom + 32); svg.lit("\" font-size=\"11\" fill=\"")
        svg.text(ReportPalette.muted.hex); svg.lit("\">raises the score ▶</text>")
        svg.lit("</svg>")
        return svg.string
    }
}

extension ReportCharts.FunnelFrame {
    /// The chart: the frame drawn in full (`reuse` false: the national chart, which must come
    /// first in the page) or by reference, with `highlight` drawn last, larger, with its name.
    func chart(highlight: ReportCharts.FunnelPoint?, reuse: Bool, id chartID: String, title: String, description: String) -> String {
        let L = ReportCharts.FunnelLayout.self
        var svg = ReportCharts.SVGBytes(capacity: (reuse ? 0 : body.utf8.count) + 1024)
        svg.open(id: chartID, width: L.width, height: L.height, title: title, description: description)
        if reuse {
            svg.lit("<use href=\"#"); svg.esc(id); svg.lit("\"/>")
        } else {
            svg.lit("<g id=\""); svg.esc(id); svg.lit("\">"); svg.text(body); svg.lit("</g>")
        }
        if let h = highlight, h.denominator > 0 {
            let px = x(h.denominator), py = y(h.value)
            svg.lit("<circle cx=\""); svg.n(px); svg.lit("\" cy=\""); svg.n(py); svg.lit("\" r=\"6\" fill=\""); svg.text(ReportPalette.focus.hex)
            svg.lit("\" stroke=\""); svg.text(ReportPalette.text.hex); svg.lit("\" stroke-width=\"1.5\"/>")
            let anchorEnd = px > L.left + (L.width - L.left - L.right) * 0.7
            svg.lit("<text x=\""); svg.n(anchorEnd ? px - 9 : px + 9); svg.lit("\" y=\""); svg.n(py - 8); svg.lit("\"")
            if anchorEnd { svg.lit(" text-anchor=\"end\"") }
            svg.lit(" font-size=\"12\" font-weight=\"700\" fill=\""); svg.text(ReportPalette.text.hex); svg.lit("\">"); svg.esc(h.label); svg.lit("</text>")
        }
        svg.lit("</svg>")
        return svg.string
    }
}
