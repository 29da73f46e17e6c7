import Foundation
import WFRiskCore
import WFRiskScoring

/// How `report.html` lays out its units (docs/outputs.md, "report.html at any size").
enum ReportLayout: Sendable, Equatable {
    /// One page: the national view, then every unit's section.
    case onePage
    /// report.html holds the national view; the units' sections are on pages in `report/`, up to
    /// `ReportData.unitsPerPage` units a page in A–Z order (`UnitPage`).
    case unitPages

    /// The folder of unit pages beside report.html.
    static let pagesFolder = "report"
}

/// One page of units in `report/` (`ReportLayout.unitPages`): its file name and its units, as
/// indices into `table.units`, in A–Z order. Why pages of many units, not a page each: at
/// 20,000 units a page each was 20,000 files, each with its own style sheet and funnel frames
/// (1.2 GB), and removing a run of them by retention took 3 s (docs/performance.md, "Issue 25,
/// session 25"); a page of 50 carries its style sheet and each funnel's frame once.
struct UnitPage: Sendable, Equatable {
    let file: String
    let units: [Int]
}

/// What the `report.html` templates show, as strings ready to print: numbers are formatted
/// here, charts drawn here, and the templates only lay them out. Fields a run does not have
/// (rank intervals, a series, a summary sentence) are nil, and the templates leave them out.
struct ReportPage: Sendable {
    let title: String
    let synthetic: Bool
    let year: Int
    let wfriskVersion: String
    let methodologyVersion: String
    let css: String
    let unitCount: Int
    let rankedCount: Int
    let excludedCount: Int
    let hasExcluded: Bool
    let hasIntervals: Bool
    let rankChart: String
    let rankChartCaption: String
    let legend: [LegendEntry]
    let distributions: [Distribution]
    let binRows: [BinRow]
    let hasDemand: Bool
    let hasInspections: Bool
    let nationalRows: [NationalRow]
    let index: [IndexEntry]
    /// The units are on pages of their own (`ReportLayout.unitPages`): the templates link to them.
    var unitPages = false
    /// The units' sections, rendered separately (in parallel) and placed as they are.
    var unitSections = RenderedHTML()
    /// Funnel plots of the weighted indicators (every authority).
    var funnels: [FunnelView] = []
    var hasFunnels = false
    let inputs: [InputRow]
    let sources: String
    let contributionLimit: String
}

struct LegendEntry: Sendable { let swatch: String; let name: String }

struct Distribution: Sendable {
    let heading: String
    let chart: String
    let caption: String
    let median: String
}

struct BinRow: Sendable { let range: String; let counts: [String] }

struct NationalRow: Sendable {
    /// The unit's section: `#anchor` on the one page, or its page in `report/`.
    let href: String
    let rank: String
    let interval: String?
    let name: String
    let code: String
    let region: String
    let band: BandView?
    let overall: String
    let instability: String
    let caseload: String
    let status: String
    let reason: String?
}

struct BandView: Sendable { let name: String; let css: String; let swatch: String }

struct IndexEntry: Sendable { let href: String; let name: String }

struct InputRow: Sendable { let kind: String; let file: String; let sha256: String }

struct UnitView: Sendable {
    let anchor: String
    /// Where "Back to all authorities" goes: the one page's table, or report.html's from a page of units.
    var backHref = "#all"
    let name: String
    let oldCode: String
    let newCode: String
    let region: String
    let ranked: Bool
    let exclusionReason: String?
    let summary: String?
    let mainDrivers: String?
    let neighbours: String?
    let facts: [Fact]
    let band: BandView?
    let contributionChart: String
    let indicatorGroups: [IndicatorGroup]
    let seriesChart: String?
    let seriesHeaders: [SeriesHeader]
    let seriesRows: [SeriesRow]
    let evidence: [Quote]
    let hasEvidence: Bool
    let judgement: String?
    let notes: [String]
    let hasNotes: Bool
    /// Each indicator's intervals and significance against England and the neighbours.
    var intervalRows: [IntervalRow] = []
    var hasIntervalRows = false
    /// The weighted indicators' funnels with this unit highlighted.
    var funnels: [FunnelView] = []
}

struct Fact: Sendable { let label: String; let value: String; let detail: String? }

struct IndicatorGroup: Sendable {
    let heading: String
    let score: String
    let rank: String
    let rows: [IndicatorRow]
}

struct IndicatorRow: Sendable {
    let label: String
    let value: String
    let england: String
    let region: String
    let neighbours: String
    let rank: String
    let band: BandView?
    let weight: String
    let points: String
    let pointsClass: String
    let note: String?
}

struct SeriesRow: Sendable { let year: String; let cells: [String] }

struct SeriesHeader: Sendable { let name: String }

struct Quote: Sendable {
    let text: String
    let theme: String
    let polarity: String
    let file: String
    let date: String?
}

enum ReportModel {
    /// An indicator as the report names it: the words of `unit_words.yml` (as in `summary`),
    /// capitalised, with any unit other than % after the name.
    struct Label {
        /// With its unit, for tables ("Caseload (cases per FTE)").
        let label: String
        /// Without, for chart axes ("Caseload").
        let name: String
        let percent: Bool
        let decimals: Int

        init(_ i: Indicator, words: UnitWords?) {
            let w = words?.indicators[i.rawValue]
            let words = w?.label ?? i.rawValue
            name = words.prefix(1).uppercased() + words.dropFirst()
            let unit = (w?.unit ?? "").trimmingCharacters(in: .whitespaces)
            percent = unit.hasPrefix("%")
            decimals = w?.decimals ?? 2
            let rest = percent ? String(unit.dropFirst()).trimmingCharacters(in: .whitespaces) : unit
            label = name + (rest.isEmpty ? (percent ? " (%)" : "") : " (\(percent ? "% " : "")\(rest))")
        }

        func format(_ v: Double?) -> String {
            guard let v else { return "–" }
            return Decimals.format(v, decimals) + (percent ? "%" : "")
        }
    }

    static let scoreNames: [ScoreKind: String] = [.instability: "Instability", .caseloadRisk: "Caseload risk"]

    /// The page and every unit's view, in `table.units` order (what the one page renders).
    static func page(_ data: ReportData, css: String, layout: ReportLayout = .onePage) throws -> (ReportPage, [UnitView]) {
        let (page, views) = try pageAndViews(data, css: css, layout: layout)
        return (page, (0..<views.count).map(views.view))
    }

    /// Each unit's view, built when asked for. Why: a view holds its charts rendered (about 36 KB
    /// of SVG a unit), so all of them at once held most of the 100x run's 1.5 GB report peak;
    /// the unit pages are written a view at a time. `page(_:css:layout:)` builds them all.
    struct UnitViews: Sendable {
        let count: Int
        /// The pages of units in `report/` (`.unitPages`; none for the one page).
        let pages: [UnitPage]
        let build: @Sendable (Int, _ framesDrawn: inout Set<Indicator>) -> UnitView
        /// The view of unit `i` on the one page (its funnels reuse the national view's frames).
        func view(_ i: Int) -> UnitView {
            var none = Set<Indicator>()
            return build(i, &none)
        }
        /// The view of unit `i` on a page of units: a funnel whose frame is not yet in
        /// `framesDrawn` draws it (and adds it), later units' funnels on the page reuse it.
        func view(_ i: Int, framesDrawn: inout Set<Indicator>) -> UnitView { build(i, &framesDrawn) }
    }

    /// The page and each unit's view, to be built when asked for, in `table.units` order.
    static func pageAndViews(_ data: ReportData, css: String, layout: ReportLayout = .onePage) throws -> (ReportPage, UnitViews) {
        let words = try UnitWords.bundled()
        let labels = Dictionary(uniqueKeysWithValues: Indicator.allCases.map { ($0, Label($0, words: words)) })
        let table = data.table
        let context = IndicatorsCSV.Context(table)
        let ranked = table.units.filter(\.isRanked)
        let limit = contributionLimit(table)
        let bandNames = ReportPalette.bands.map(\.name).filter { name in ranked.contains { $0.band == name } }
            + Array(Set(ranked.compactMap(\.band)).subtracting(ReportPalette.bands.map(\.name))).sorted()
        let hasIntervals = ranked.contains { rankInterval($0) != nil }

        let points = ranked.map { u in
            ReportCharts.RankPoint(label: u.name, rank: u.overallRank ?? 0, low: rankInterval(u)?.low, high: rankInterval(u)?.high, band: u.band)
        }
        let rankChart = ReportCharts.rankIntervals(
            points, total: ranked.count, id: "chart-ranks",
            title: "Overall rank of every ranked authority, \(table.year)",
            description: rankDescription(ranked, bands: bandNames, hasIntervals: hasIntervals))

        let width = 5.0
        let scoreSets: [(String, [Double])] = [
            ("Overall score", ranked.compactMap(\.overall)),
            ("Instability score", table.units.compactMap(\.instability.value)),
            ("Caseload-risk score", table.units.compactMap(\.caseloadRisk.value)),
        ]
        let allCounts = scoreSets.map { ReportCharts.bins($0.1, width: width, domain: 0...100) }
        let distributions: [Distribution] = scoreSets.enumerated().map { i, entry in
            let (heading, values) = entry
            let q = quartiles(values)
            let description = "Histogram of \(values.count) \(heading.lowercased())s in bands of 5 points"
                + (q.map { ": lowest \(Decimals.format($0.min, 1)), middle half from \(Decimals.format($0.q1, 1)) to \(Decimals.format($0.q3, 1)), median \(Decimals.format($0.median, 1)), highest \(Decimals.format($0.max, 1))." } ?? ".")
                + " Counts per band are in Table 1."
            return Distribution(
                heading: heading,
                chart: ReportCharts.histogram(values, width: width, id: "chart-dist-\(i)", title: "Distribution of the \(heading.lowercased()), \(table.year)", description: description),
                caption: q.map { "\(values.count) authorities. Middle half between \(Decimals.format($0.q1, 1)) and \(Decimals.format($0.q3, 1)); range \(Decimals.format($0.min, 1))–\(Decimals.format($0.max, 1))." } ?? "No scores.",
                median: q.map { Decimals.format($0.median, 1) } ?? "–")
        }
        // Table 1: one row per 5-point band from the lowest to the highest band any score reaches.
        let used = (0..<allCounts[0].count).filter { b in allCounts.contains { $0[b] > 0 } }
        let binRows: [BinRow] = used.isEmpty ? [] : (used.first!...used.last!).map { b in
            BinRow(range: "\(Int(Double(b) * width))–\(Int(Double(b + 1) * width))", counts: allCounts.map { String($0[b]) })
        }

        let anchors = anchors(table.units)
        let alphabetical = table.units.indices.sorted { (table.units[$0].name, table.units[$0].oldCode) < (table.units[$1].name, table.units[$1].oldCode) }
        let pages = layout == .unitPages ? unitPages(alphabetical, perPage: data.unitsPerPage) : []
        var pageNumbers = [Int](repeating: 0, count: table.units.count)
        for (p, page) in pages.enumerated() { for i in page.units { pageNumbers[i] = p } }
        let pageOf = pageNumbers
        let href: (Int) -> String = { i in
            (layout == .unitPages ? ReportLayout.pagesFolder + "/" + pages[pageOf[i]].file : "") + "#" + anchors[i]
        }
        let nationalRows = table.units.enumerated().map { i, u in
            NationalRow(href: href(i), rank: u.overallRank.map(String.init) ?? "–",
                        interval: rankInterval(u).map { "\($0.low)–\($0.high)" }, name: u.name, code: u.oldCode, region: u.regionName,
                        band: band(u.band), overall: score(u.overall), instability: score(u.instability.value),
                        caseload: score(u.caseloadRisk.value), status: u.isRanked ? "ranked" : "not ranked", reason: u.exclusionReason)
        }
        let index = alphabetical.map { IndexEntry(href: href($0), name: table.units[$0].name) }
        let years = YearSnapshot.all(data.earlierYears + [YearScores(table)])
        let history = Dictionary(grouping: data.history, by: { $0.unit.unit })
        let funnels = funnels(table, labels: labels, layout: layout)
        let rankedCount = ranked.count
        let units = UnitViews(count: table.units.count, pages: pages) { i, framesDrawn in
            let u = table.units[i]
            var view = unitView(u, anchor: anchors[i], rankedCount: rankedCount, labels: labels, context: context, limit: limit,
                                years: years, history: history[u.unit] ?? [])
            view.intervalRows = intervalRows(u, labels: labels, context: context)
            view.hasIntervalRows = !view.intervalRows.isEmpty
            view.funnels = unitFunnels(funnels, unit: u, anchor: view.anchor, layout: layout, framesDrawn: &framesDrawn)
            if layout == .unitPages { view.backHref = "../report.html#all" }
            return view
        }

        var page = ReportPage(
            title: "Children's social work workforce risk, England \(table.year)", synthetic: data.synthetic,
            year: table.year, wfriskVersion: WFRiskVersion.current, methodologyVersion: Scorer.methodologyVersion, css: css,
            unitCount: table.units.count, rankedCount: ranked.count, excludedCount: table.units.count - ranked.count,
            hasExcluded: ranked.count < table.units.count, hasIntervals: hasIntervals,
            rankChart: rankChart,
            rankChartCaption: hasIntervals
                ? "Each mark is one authority at its overall rank; the line through it is its 90% rank interval. Colour and shape show the band."
                : "Each mark is one authority at its overall rank. Colour and shape show the band. This run computed no rank intervals.",
            legend: bandNames.map { LegendEntry(swatch: ReportCharts.swatch($0), name: $0) },
            distributions: distributions,
            binRows: binRows, hasDemand: table.sources.contains(.demand), hasInspections: table.sources.contains(.inspections),
            nationalRows: nationalRows, index: index,
            inputs: data.inputs.map { InputRow(kind: $0.kind, file: $0.path, sha256: $0.sha256) },
            sources: table.sources.map(\.rawValue).sorted().joined(separator: ", "),
            contributionLimit: Decimals.format(limit, 0))
        page.funnels = nationalFunnels(funnels, table: table)
        page.hasFunnels = !page.funnels.isEmpty
        page.unitPages = layout == .unitPages
        return (page, units)
    }

    static func unitView(_ u: UnitScore, anchor id: String, rankedCount: Int, labels: [Indicator: Label], context: IndicatorsCSV.Context, limit: Double,
                         years: [YearSnapshot], history: [HistoryRow]) -> UnitView {
        var facts: [Fact] = []
        if let rank = u.overallRank {
            facts.append(Fact(label: "Overall rank", value: "\(rank) of \(rankedCount)",
                              detail: rankInterval(u).map { "90% interval \($0.low)–\($0.high)" } ?? "1 = highest risk"))
        }
        facts.append(Fact(label: "Overall score", value: score(u.overall),
                          detail: u.band.map { b in "band \(b)" + (u.quartile.map { ", quartile \($0) of 4" } ?? "") } ?? "0–100, higher = more risk"))
        if let q = u.uncertainty {
            facts.append(Fact(label: "Chance of high band", value: Decimals.format(q.pHighBand * 100, 0) + "%", detail: "from the rank simulation"))
        }
        if let c = u.change, let previous = c.previousRank, let change = c.rankChange {
            facts.append(Fact(label: "Since \(u.year - 1)", value: change == 0 ? "same rank" : (change > 0 ? "up \(change)" : "down \(-change)"),
                              detail: "rank \(previous) then" + (c.scoreChange.map { "; score \(ReportCharts.signed($0, 1))" } ?? "")))
        }
        facts.append(Fact(label: "Instability", value: score(u.instability.value),
                          detail: [u.instability.rank.map { "rank \($0)" }, u.instability.band.map { "band \($0.rawValue)" }].compactMap { $0 }.joined(separator: ", ")))
        facts.append(Fact(label: "Caseload risk", value: score(u.caseloadRisk.value),
                          detail: [u.caseloadRisk.rank.map { "rank \($0)" }, u.caseloadRisk.band.map { "band \($0.rawValue)" }].compactMap { $0 }.joined(separator: ", ")))
        facts.append(Fact(label: "Evidence coverage", value: Decimals.format(u.coverage * 100, 0) + "%", detail: "of the intended indicators"))

        var bars: [ReportCharts.Contribution] = []
        var groups: [IndicatorGroup] = []
        for component in [u.instability, u.caseloadRisk] {
            let group = scoreNames[component.kind] ?? component.kind.rawValue
            var rows: [IndicatorRow] = []
            for r in component.indicators {
                let label = labels[r.indicator] ?? Label(r.indicator, words: nil)
                bars.append(.init(group: group, label: label.name, points: r.contribution,
                                  blank: r.value == nil ? .noValue : r.weight == 0 ? .weightZero : .notScored))
                let line = context.line(u, r)
                rows.append(IndicatorRow(
                    label: label.label, value: label.format(r.value),
                    england: label.format(line.england), region: label.format(line.region), neighbours: label.format(line.neighbourMedian),
                    rank: r.rank.map { "\($0) of \(line.rankedUnits)" } ?? "–", band: band(line.band?.rawValue),
                    weight: Decimals.format(r.weight, 2), points: r.contribution.map { ReportCharts.signed($0, 2) } ?? "–",
                    pointsClass: (r.contribution ?? 0) > 0 ? "raises" : ((r.contribution ?? 0) < 0 ? "lowers" : "none"),
                    note: r.note))
            }
            groups.append(IndicatorGroup(heading: group, score: score(component.value), rank: component.rank.map(String.init) ?? "–", rows: rows))
        }
        let chart = ReportCharts.contributions(
            bars, limit: limit, id: "\(id)-contrib", title: "What moves \(u.name)'s scores",
            description: contributionDescription(u, bars: bars))

        let series = overallSeries(u, years: years, history: history)
        let seriesChart = series.count < 1 || years.count < 2 ? nil : ReportCharts.series(
            series, id: "\(id)-series", title: "\(u.name)'s overall score, \(years.first!.year) to \(years.last!.year)",
            description: seriesDescription(u, series))

        let evidence = (u.inspection?.quotes ?? []).map { q in
            Quote(text: q.text, theme: q.theme.replacingOccurrences(of: "_", with: " "), polarity: q.polarity, file: q.file, date: q.date)
        }
        return UnitView(
            anchor: id, name: u.name, oldCode: u.oldCode, newCode: u.newCode, region: u.regionName, ranked: u.isRanked,
            exclusionReason: u.exclusionReason, summary: u.summary, mainDrivers: u.summary == nil ? u.mainDrivers : nil,
            neighbours: u.neighbours.isEmpty ? nil : u.neighbours.map(\.name).joined(separator: ", "), facts: facts, band: band(u.band), contributionChart: chart,
            indicatorGroups: groups, seriesChart: seriesChart,
            seriesHeaders: seriesChart == nil ? [] : series.map { SeriesHeader(name: $0.name) },
            seriesRows: seriesChart == nil ? [] : years.map { y in
                SeriesRow(year: String(y.year), cells: series.map { line in score(line.points.first { $0.year == y.year }?.value ?? nil) })
            },
            evidence: evidence, hasEvidence: !evidence.isEmpty,
            judgement: u.inspection?.judgement?.replacingOccurrences(of: "_", with: " "),
            notes: u.notes, hasNotes: !u.notes.isEmpty)
    }

    // MARK: Series

    /// One scored year, indexed for the series charts.
    struct YearSnapshot {
        let year: Int
        let units: [ReportingUnit: YearScore]
        let byCode: [String: YearScore]
        let regionMedians: [String: Double]
        let englandMedian: Double?

        static func all(_ tables: [YearScores]) -> [YearSnapshot] {
            tables.sorted { $0.year < $1.year }.map { t in
                let ranked = t.units.filter(\.isRanked)
                let regions = Dictionary(grouping: ranked, by: \.regionCode)
                return YearSnapshot(
                    year: t.year,
                    units: Dictionary(t.units.map { ($0.unit, $0) }, uniquingKeysWith: { a, _ in a }),
                    byCode: Dictionary(t.units.map { ($0.oldCode, $0) }, uniquingKeysWith: { a, _ in a }),
                    regionMedians: regions.compactMapValues { ReportCharts.median($0.compactMap(\.overall)) },
                    englandMedian: ReportCharts.median(ranked.compactMap(\.overall)))
            }
        }
    }

    /// The unit's overall score by year beside the median of its region's units, of its statistical
    /// neighbours (when the run names them) and of all England's units.
    /// The unit's own line follows `history` (its predecessor's scores across a boundary change
    /// when they compare); without history, the unit as it is in each year's table.
    static func overallSeries(_ u: UnitScore, years: [YearSnapshot], history: [HistoryRow]) -> [ReportCharts.SeriesLine] {
        let own = Dictionary(history.filter { $0.comparability != .none }.map { ($0.year, $0.source?.overall) }, uniquingKeysWith: { a, _ in a })
        var lines = [ReportCharts.SeriesLine(name: u.name, points: years.map { y in (y.year, history.isEmpty ? y.units[u.unit]?.overall : own[y.year] ?? nil) },
                                             colour: ReportPalette.seriesUnit, emphasised: true)]
        lines.append(.init(name: "\(u.regionName) median", points: years.map { ($0.year, $0.regionMedians[u.regionCode]) },
                           colour: ReportPalette.seriesRegion))
        let neighbours = neighbourCodes(u)
        if !neighbours.isEmpty {
            lines.append(.init(name: "Neighbours' median", points: years.map { y in
                (y.year, ReportCharts.median(neighbours.compactMap { y.byCode[$0]?.overall }))
            }, colour: ReportPalette.seriesNeighbours, dashed: true))
        }
        lines.append(.init(name: "England median", points: years.map { ($0.year, $0.englandMedian) },
                           colour: ReportPalette.seriesEngland, dashed: true))
        return lines
    }

    /// Old LA codes of the unit's statistical neighbours, when the run names them.
    static func neighbourCodes(_ u: UnitScore) -> [String] { u.neighbours.map(\.oldCode) }

    static func seriesDescription(_ u: UnitScore, _ lines: [ReportCharts.SeriesLine]) -> String {
        let parts = lines.map { line in
            line.name + ": " + line.points.map { "\($0.year) \(score($0.value))" }.joined(separator: ", ")
        }
        return "Line chart of overall scores by year. " + parts.joined(separator: "; ") + ". The values are in the table that follows."
    }

    // MARK: Words for the charts' text alternatives

    static func rankDescription(_ ranked: [UnitScore], bands: [String], hasIntervals: Bool) -> String {
        var parts = ["\(ranked.count) authorities ranked from 1 (highest overall risk) to \(ranked.count)."]
        for b in bands {
            let inBand = ranked.filter { $0.band == b }
            if let first = inBand.compactMap(\.overallRank).min(), let last = inBand.compactMap(\.overallRank).max() {
                parts.append("\(b.capitalized) band: \(inBand.count) authorities, ranks \(first) to \(last).")
            }
        }
        if hasIntervals {
            let widths = ranked.compactMap { u in rankInterval(u).map { $0.high - $0.low } }.sorted()
            if let m = ReportCharts.median(widths.map(Double.init)) {
                parts.append("The median 90% interval spans \(Decimals.format(m, 0)) ranks; the widest \(widths.last ?? 0).")
            }
        }
        parts.append("Every authority's rank is in the table below.")
        return parts.joined(separator: " ")
    }

    static func contributionDescription(_ u: UnitScore, bars: [ReportCharts.Contribution]) -> String {
        let withPoints = bars.compactMap { b in b.points.map { (b.label, $0) } }
        let up = withPoints.filter { $0.1 > 0.005 }.sorted { $0.1 > $1.1 }.prefix(3)
        let down = withPoints.filter { $0.1 < -0.005 }.sorted { $0.1 < $1.1 }.prefix(3)
        var s = "Bar chart of the points each indicator adds to or takes from \(u.name)'s instability and caseload-risk scores."
        if !up.isEmpty { s += " Largest raising: " + up.map { "\($0.0) \(ReportCharts.signed($0.1, 1))" }.joined(separator: ", ") + "." }
        if !down.isEmpty { s += " Largest lowering: " + down.map { "\($0.0) \(ReportCharts.signed($0.1, 1))" }.joined(separator: ", ") + "." }
        let missing = bars.filter { $0.points == nil && $0.blank == .noValue }.count
        if missing > 0 { s += " \(missing) indicator\(missing == 1 ? " has" : "s have") no value." }
        let unweighted = bars.filter { $0.points == nil && $0.blank == .weightZero }.count
        if unweighted > 0 { s += " \(unweighted) indicator\(unweighted == 1 ? " has a value but weight" : "s have values but weight") 0." }
        return s + " The values are in the table that follows."
    }

    // MARK: Values

    /// Lowest, quartiles (medians of the lower and upper halves' ranks, linear interpolation) and highest.
    static func quartiles(_ values: [Double]) -> (min: Double, q1: Double, median: Double, q3: Double, max: Double)? {
        let v = values.filter(\.isFinite).sorted()
        guard let first = v.first, let last = v.last else { return nil }
        func at(_ p: Double) -> Double {
            let x = p * Double(v.count - 1)
            let i = Int(x.rounded(.down)), f = x - Double(i)
            return i + 1 < v.count ? v[i] + f * (v[i + 1] - v[i]) : v[i]
        }
        return (first, at(0.25), at(0.5), at(0.75), last)
    }

    /// A unit's 90% rank interval, when the run computed one.
    static func rankInterval(_ u: UnitScore) -> (low: Int, high: Int)? { u.uncertainty.map { ($0.rankLow, $0.rankHigh) } }

    /// Points at the contribution charts' edge: the largest contribution anywhere, rounded up to 5.
    static func contributionLimit(_ table: ScoreTable) -> Double {
        let m = table.units.flatMap { $0.instability.indicators + $0.caseloadRisk.indicators }.compactMap(\.contribution).map(abs).max() ?? 5
        return max(5, (m / 5).rounded(.up) * 5)
    }

    /// Each unit's anchor (its section's id), in `units` order: `anchor(u)`, with `-2`, `-3` …
    /// after one an earlier unit took (compared without case), so that codes differing only in
    /// punctuation or case still reach their own sections.
    static func anchors(_ units: [UnitScore]) -> [String] {
        var taken = Set<String>()
        return units.map { u in
            let base = anchor(u)
            var name = base, n = 1
            while !taken.insert(name.lowercased()).inserted {
                n += 1
                name = base + "-\(n)"
            }
            return name
        }
    }

    /// The pages of units in `report/`: `order` (indices into `table.units`, A–Z) cut into pages
    /// of `perPage`, named `page-001.html` … (as many digits as the last page needs, three at least).
    static func unitPages(_ order: [Int], perPage: Int) -> [UnitPage] {
        let size = max(1, perPage)
        let count = (order.count + size - 1) / size
        let digits = max(3, String(count).count)
        return (0..<count).map { p in
            let number = String(p + 1)
            return UnitPage(file: "page-" + String(repeating: "0", count: digits - number.count) + number + ".html",
                            units: Array(order[(p * size)..<min(order.count, (p + 1) * size)]))
        }
    }

    static func anchor(_ u: UnitScore) -> String {
        "la-" + String(u.oldCode.map { $0.isLetter || $0.isNumber ? $0 : "-" }).replacingOccurrences(of: "---", with: "-")
    }

    static func band(_ name: String?) -> BandView? {
        guard let name else { return nil }
        if let view = knownBands[name] { return view }
        return BandView(name: name, css: "other", swatch: ReportCharts.swatch(name))
    }

    /// The palette's bands' views, drawn once: a unit's rows each name a band, and drawing its
    /// swatch again for each was a twentieth of the 100x unit pages' model (perf).
    private static let knownBands: [String: BandView] = Dictionary(ReportPalette.bands.map {
        ($0.name, BandView(name: $0.name, css: $0.name, swatch: ReportCharts.swatch($0.name)))
    }, uniquingKeysWith: { first, _ in first })

    static func score(_ v: Double?) -> String { v.map { Decimals.format($0, 1) } ?? "–" }

}
